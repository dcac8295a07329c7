using Hangfire;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Hangfire's entry point for retention: the recurring job <c>retention</c> on the <c>leader</c>
/// queue (<see cref="RetentionOptions.Cron"/>, hourly by default). Public method, because
/// Hangfire invokes only public methods; its <see cref="CancellationToken"/> is the server's.
/// </summary>
internal sealed class RetentionJob(LeaderJobRunner leader, RetentionPurge purge)
{
    public const string RecurringJobId = "retention";

    [AutomaticRetry(Attempts = 3)]
    public Task RunAsync(CancellationToken cancellationToken) =>
        leader.RunAsync(RecurringJobId, (term, ct) => purge.PurgeAsync(term.Token, ct), cancellationToken);
}
