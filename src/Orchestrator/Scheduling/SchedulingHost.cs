using Hangfire.Storage;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Brings Hangfire up on this node without ever blocking its start: after the schema is migrated
/// it makes the storage (retrying while PostgreSQL is away), starts the <c>default</c> queue's
/// server, registers the recurring jobs, and from then on starts or stops the <c>leader</c>
/// queue's server whenever <see cref="ILeadershipState.Changed"/> fires. On shutdown it stops both.
/// </summary>
internal sealed partial class SchedulingHost(
    SchedulingStorage storage,
    HangfireServers servers,
    RecurringJobs recurring,
    ILeadershipState leadership,
    SchemaState schema,
    TimeProvider time,
    ILogger<SchedulingHost> logger) : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxDelayOnDefect = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed before anything else, so a change while Hangfire comes up is not missed.
        using var changed = new SemaphoreSlim(0, int.MaxValue);
        void OnChanged(object? sender, LeadershipChangedEventArgs e) => changed.Release();
        leadership.Changed += OnChanged;
        try
        {
            await schema.WaitAsync(stoppingToken);
            var jobStorage = await RetryAsync("create the Hangfire storage", storage.CreateAsync, stoppingToken);
            Log.StorageReady(logger, leadership.NodeId, SchedulingQueues.Schema);
            await servers.StartDefaultAsync(jobStorage, stoppingToken);
            await RetryAsync("register the recurring jobs", ct => recurring.RegisterAsync(jobStorage, ct), stoppingToken);
            while (true)
            {
                await servers.FollowLeadershipAsync(jobStorage, stoppingToken);
                await changed.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            leadership.Changed -= OnChanged;
            await servers.StopAllAsync();
            storage.DetachLogging();
        }
    }

    /// <summary>Runs <paramref name="attempt"/> until it succeeds: a Hangfire problem never stops the node.</summary>
    private async Task<T> RetryAsync<T>(string what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // An outage is expected around a failover; anything else (say, no right to create
                // the schema) is a defect an operator must fix: say so louder, and try less often.
                var outage = PostgresErrors.IsOutage(ex) || ex is DistributedLockTimeoutException;
                if (outage)
                {
                    Log.Waiting(logger, leadership.NodeId, what, tries, delay.TotalMilliseconds, ex.Message);
                }
                else
                {
                    Log.Failed(logger, leadership.NodeId, what, tries, delay.TotalMilliseconds, ex);
                }

                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, (outage ? MaxDelay : MaxDelayOnDefect).Ticks));
            }
        }
    }

    private async Task RetryAsync(string what, Func<CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        await RetryAsync(
            what,
            async ct =>
            {
                await attempt(ct);
                return true;
            },
            cancellationToken);
}
