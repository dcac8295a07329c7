using Hangfire;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// The recurring jobs, registered by every node at start (idempotent: Hangfire updates the
/// existing definition). Leader maintenance goes on the <c>leader</c> queue. Times are UTC.
/// </summary>
internal sealed class RecurringJobs(IOptions<RetentionOptions> retention, ILeadershipState leadership, ILogger<RecurringJobs> logger)
{
    public Task RegisterAsync(JobStorage storage, CancellationToken cancellationToken) =>
        // RecurringJobManager is synchronous and takes a distributed lock in PostgreSQL.
        Task.Run(
            () =>
            {
                var manager = new RecurringJobManager(storage);
                manager.AddOrUpdate<RetentionJob>(
                    RetentionJob.RecurringJobId,
                    SchedulingQueues.Leader,
                    job => job.RunAsync(CancellationToken.None),
                    retention.Value.Cron,
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
                Log.RecurringRegistered(logger, leadership.NodeId, RetentionJob.RecurringJobId, SchedulingQueues.Leader, retention.Value.Cron);
            },
            cancellationToken);
}
