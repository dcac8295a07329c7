using System.Diagnostics.Metrics;
using RunnerHub.Orchestrator.Jobs;

namespace RunnerHub.Orchestrator.Monitoring;

/// <summary>
/// The job flow per label set (tag <c>labels</c>: the normalised key, <c>linux,self-hosted,x64</c>):
/// <c>runnerhub_jobs_received_total</c>, <c>runnerhub_jobs_dispatched_total</c>,
/// <c>runnerhub_jobs_completed_total</c> (with <c>conclusion</c>), <c>runnerhub_jobs_failed_total</c>
/// (with <c>reason</c>), and the histograms <c>runnerhub_job_queued_to_dispatched_seconds</c>,
/// <c>runnerhub_job_dispatched_to_started_seconds</c> and <c>runnerhub_job_started_to_completed_seconds</c>.
/// Each transition is counted by the one node that made it or applied its webhook, so summing
/// over the nodes gives the cluster's figure. Durations come from timestamps PostgreSQL returns
/// (or GitHub's own pair for a job's run), never from two nodes' clocks.
/// </summary>
internal sealed class JobMetrics
{
    public const string MeterName = "RunnerHub.Orchestrator.Jobs";

    /// <summary>Histogram bucket boundaries in seconds: 10 ms to an hour.</summary>
    internal static readonly IReadOnlyList<double> DurationBuckets =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

    // What GitHub sends as a workflow_job's conclusion; anything else is counted as "other", so a
    // payload cannot grow the series without bound.
    private static readonly string[] KnownConclusions =
        ["success", "failure", "cancelled", "skipped", "timed_out", "neutral", "action_required", "stale", "startup_failure"];

    private static readonly KeyValuePair<string, object?> AttemptsExhausted = new("reason", "attempts_exhausted");
    private static readonly KeyValuePair<string, object?> GitHubGone = new("reason", "github_gone");

    private readonly Counter<long> _received;
    private readonly Counter<long> _dispatched;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _queuedToDispatched;
    private readonly Histogram<double> _dispatchedToStarted;
    private readonly Histogram<double> _startedToCompleted;

    public JobMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        _received = meter.CreateCounter<long>("runnerhub.jobs.received", "{job}", "New jobs stored from a queued webhook (not duplicates or redeliveries).");
        _dispatched = meter.CreateCounter<long>("runnerhub.jobs.dispatched", "{job}", "Dispatches a runner acknowledged (it started the JIT runner).");
        _completed = meter.CreateCounter<long>("runnerhub.jobs.completed", "{job}", "Jobs that reached completed, by GitHub's conclusion.");
        _failed = meter.CreateCounter<long>("runnerhub.jobs.failed", "{job}", "Jobs RunnerHub gave up on (state dead), by reason.");
        _queuedToDispatched = meter.CreateHistogram("runnerhub.job.queued_to_dispatched", "s", "From the job (last) becoming queued to the claim of a dispatch the runner acknowledged.", null, buckets);
        _dispatchedToStarted = meter.CreateHistogram("runnerhub.job.dispatched_to_started", "s", "From the job's last dispatch to RunnerHub applying GitHub's in_progress webhook.", null, buckets);
        _startedToCompleted = meter.CreateHistogram("runnerhub.job.started_to_completed", "s", "The job's run as GitHub timed it (started_at to completed_at).", null, buckets);
    }

    /// <summary>
    /// Counts what a webhook did to its job, once: a job stored queued (created, or advanced from
    /// waiting), a start (with the time since its dispatch, when it had one) and a completion.
    /// A duplicate delivery, or an event that changed nothing, counts nothing.
    /// </summary>
    public void Applied(WorkflowJobEvent jobEvent, DeliveryOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Duplicate || outcome.Outcome is not (JobOutcomes.Created or JobOutcomes.Advanced) || outcome.State != jobEvent.State)
        {
            return;
        }

        var labels = jobEvent.Labels.ToString();
        var times = outcome.Times;
        switch (jobEvent.State)
        {
            case JobState.Queued:
                _received.Add(1, Labels(labels));
                break;
            case JobState.InProgress when times is { DispatchedAt: { } dispatchedAt }:
                _dispatchedToStarted.Record(Seconds(dispatchedAt, times.AppliedAt), Labels(labels));
                break;
            case JobState.Completed:
                Completed(labels, times?.Conclusion ?? jobEvent.Conclusion, times?.StartedAt, times?.CompletedAt);
                break;
        }
    }

    /// <summary>Counts a dispatch the runner acknowledged, and how long its job waited in the queue for it.</summary>
    public void Dispatched(string labels, DateTimeOffset queuedSince, DateTimeOffset dispatchedAt)
    {
        _dispatched.Add(1, Labels(labels));
        _queuedToDispatched.Record(Seconds(queuedSince, dispatchedAt), Labels(labels));
    }

    /// <summary>Counts a completed job; with both of GitHub's times, also how long it ran.</summary>
    public void Completed(string labels, string? conclusion, DateTimeOffset? startedAt, DateTimeOffset? completedAt)
    {
        _completed.Add(1, Labels(labels), new("conclusion", Conclusion(conclusion)));
        if (startedAt is { } started && completedAt is { } completed)
        {
            _startedToCompleted.Record(Seconds(started, completed), Labels(labels));
        }
    }

    /// <summary>Counts a job given up on (dead).</summary>
    public void Failed(string labels, JobFailure reason) =>
        _failed.Add(1, Labels(labels), reason == JobFailure.GitHubGone ? GitHubGone : AttemptsExhausted);

    /// <summary>GitHub's conclusion as a tag value: one of the known ones, <c>none</c>, or <c>other</c>.</summary>
    internal static string Conclusion(string? conclusion)
    {
        if (conclusion is null)
        {
            return "none";
        }

        foreach (var known in KnownConclusions)
        {
            if (string.Equals(known, conclusion, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return "other";
    }

    private static KeyValuePair<string, object?> Labels(string labels) => new("labels", labels);

    // Two timestamps of one clock can still be a hair apart the wrong way (GitHub's second
    // resolution): never a negative duration.
    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);
}

/// <summary>Why RunnerHub gave up on a job: the <c>reason</c> of <c>runnerhub_jobs_failed_total</c>.</summary>
internal enum JobFailure
{
    /// <summary>
    /// <c>attempts_exhausted</c>: the last allowed dispatch attempt failed (its lease ran out,
    /// its runner went silent, or GitHub started no job on its JIT runner).
    /// </summary>
    AttemptsExhausted,

    /// <summary><c>github_gone</c>: GitHub no longer knows the job.</summary>
    GitHubGone,
}
