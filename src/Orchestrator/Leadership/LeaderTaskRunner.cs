using System.Diagnostics.Metrics;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// Runs every <see cref="ILeaderTask"/> while this node leads, each in its own loop, and stops
/// them the moment the term ends (its cancellation token). A write the fence refuses is counted
/// (<c>runnerhub_ha_fenced_writes_total</c>) and logged; the task simply waits for the next term.
/// </summary>
internal sealed partial class LeaderTaskRunner(
    IEnumerable<ILeaderTask> tasks,
    ILeadershipState state,
    LeaderFence fence,
    IMeterFactory meters,
    TimeProvider time,
    ILogger<LeaderTaskRunner> logger) : BackgroundService
{
    private readonly Counter<long> _fenced = meters.Create(LeadershipMetrics.MeterName)
        .CreateCounter<long>("runnerhub.ha.fenced_writes", description: "Leader writes PostgreSQL refused because a newer leader exists.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var changed = new SemaphoreSlim(0, int.MaxValue);
        void OnChanged(object? sender, LeadershipChangedEventArgs e) => changed.Release();
        state.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (state.Term is { } term)
                {
                    using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Lost);
                    await Task.WhenAll(tasks.Select(task => LoopAsync(task, term, running.Token)));
                }

                await changed.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Before the semaphore goes: a term ending during shutdown must not hit a disposed one.
            state.Changed -= OnChanged;
        }
    }

    private async Task LoopAsync(ILeaderTask task, LeadershipTerm term, CancellationToken cancellationToken)
    {
        var context = new LeaderTaskContext(task.Name, state.NodeId, term.Token, fence);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await task.RunAsync(context, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (FencedOutException ex)
            {
                _fenced.Add(1, new KeyValuePair<string, object?>("task", task.Name));
                LogFenced(logger, task.Name, ex.Message);
                return;
            }
            catch (Exception ex) when (RedisErrors.IsOutage(ex) || PostgresErrors.IsOutage(ex))
            {
                LogFailed(logger, task.Name, ex.Message);
            }
            catch (Exception ex)
            {
                // A bug in one task must not stop the node (an unhandled exception in a hosted
                // service stops the host): say so loudly and try again next interval.
                LogCrashed(logger, ex, task.Name);
            }

            try
            {
                await Task.Delay(task.Interval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2220, Level = LogLevel.Warning, Message = "Leader task {Task} refused by the fence: {Reason}")]
    private static partial void LogFenced(ILogger logger, string task, string reason);

    [LoggerMessage(EventId = 2221, Level = LogLevel.Warning, Message = "Leader task {Task} failed on a dependency outage; retried next interval: {Reason}")]
    private static partial void LogFailed(ILogger logger, string task, string reason);

    [LoggerMessage(EventId = 2222, Level = LogLevel.Error, Message = "Leader task {Task} failed; retried next interval")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string task);
}
