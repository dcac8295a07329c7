namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// How long finished work is kept in PostgreSQL. The leader prunes it with a recurring Hangfire
/// job on the <c>leader</c> queue. Section <c>Retention</c>.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Configuration section: <c>Retention</c>.</summary>
    public const string SectionName = "Retention";

    /// <summary>
    /// How long a webhook delivery row is kept (it deduplicates <c>X-GitHub-Delivery</c>). Default
    /// 7 days; at least 3 days, the window in which GitHub lets a delivery be redelivered, so a
    /// redelivery is still recognised as a repeat.
    /// </summary>
    public TimeSpan Deliveries { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a job in state <c>completed</c> or <c>dead</c> is kept after it finished
    /// (<c>completed_at</c>, or <c>updated_at</c> when it has none). Default 30 days; at least 1 day.
    /// </summary>
    public TimeSpan FinishedJobs { get; set; } = TimeSpan.FromDays(30);

    /// <summary>When the retention job runs: a cron expression in UTC, as Hangfire reads it. Default <c>0 * * * *</c> (hourly).</summary>
    public string Cron { get; set; } = "0 * * * *";

    /// <summary>Rows deleted per fenced transaction; a run loops until nothing old is left. Default 5,000.</summary>
    public int BatchSize { get; set; } = 5000;
}
