namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// How the leader re-checks unfinished jobs with GitHub (a lost <c>completed</c> webhook, a job
/// cancelled while queued, a repository deleted). Section <c>GitHubRecheck</c>.
/// </summary>
public sealed class GitHubRecheckOptions
{
    /// <summary>Configuration section: <c>GitHubRecheck</c>.</summary>
    public const string SectionName = "GitHubRecheck";

    /// <summary>A job unfinished and unchanged this long is asked about (and again at most this often). Default 10 minutes.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the leader looks for such jobs. Default 1 minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A job dispatched this many times whose JIT runner GitHub gave to another job each time
    /// (rebounds) is asked about at once, and again every <see cref="Interval"/>, instead of after
    /// <see cref="After"/>: every rebound changes the job, so it would never count as unchanged,
    /// and a job GitHub no longer has queued (cancelled, or finished while its webhooks were lost)
    /// rebounds for ever, each time registering a JIT runner that takes someone else's job.
    /// Default 10.
    /// </summary>
    public int AfterRebounds { get; set; } = 10;

    /// <summary>At most this many GitHub calls per look, to spare the rate limit. Default 20.</summary>
    public int Batch { get; set; } = 20;
}
