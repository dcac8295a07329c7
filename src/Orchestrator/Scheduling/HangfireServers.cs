using Hangfire;
using Hangfire.AspNetCore;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// This node's Hangfire servers: one for the <c>default</c> queue for as long as the node runs,
/// and one for the <c>leader</c> queue for as long as the node leads. Each is named
/// <c>{nodeId}/{queue}</c>, so the dashboard and <c>Servers()</c> say whose it is. Jobs are
/// activated from this node's services (not Hangfire's process-wide activator).
/// </summary>
internal sealed partial class HangfireServers(
    ILeadershipState leadership,
    IServiceScopeFactory scopes,
    IOptions<SchedulingOptions> options,
    ILogger<HangfireServers> logger) : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private BackgroundJobServer? _default;
    private BackgroundJobServer? _leader;

    /// <summary>True while this node runs a server for the <c>leader</c> queue.</summary>
    public bool ServesLeaderQueue => Volatile.Read(ref _leader) is not null;

    /// <summary>Starts the <c>default</c> queue's server, once.</summary>
    public async Task StartDefaultAsync(JobStorage storage, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // The default server also runs the storage's own processes (expiry, counters, and the
            // heartbeat that slides the invisibility timeout of every job this node fetched).
            _default ??= Start(storage, SchedulingQueues.Default, options.Value.Workers, lightweight: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Makes the <c>leader</c> queue's server match leadership: starts it when this node leads
    /// and has none, stops it when this node no longer leads. Safe to call at any time.
    /// </summary>
    public async Task FollowLeadershipAsync(JobStorage storage, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (leadership.Term is { } term && _leader is null)
            {
                // Lightweight: the default server already runs the storage processes and schedulers.
                _leader = Start(storage, SchedulingQueues.Leader, options.Value.LeaderWorkers, lightweight: true);
                Log.LeaderServerStarted(logger, leadership.NodeId, term.Token);
            }
            else if (leadership.Term is null && _leader is { } server)
            {
                _leader = null;
                await StopAsync(server, SchedulingQueues.Leader, "this node no longer leads");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops both servers, the leader's first; safe to call twice.</summary>
    public async Task StopAllAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_leader is { } leader)
            {
                _leader = null;
                await StopAsync(leader, SchedulingQueues.Leader, "the node is stopping");
            }

            if (_default is { } server)
            {
                _default = null;
                await StopAsync(server, SchedulingQueues.Default, "the node is stopping");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        _gate.Dispose();
    }

    private BackgroundJobServer Start(JobStorage storage, string queue, int workers, bool lightweight)
    {
        var server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                ServerName = $"{leadership.NodeId}/{queue}",
                Queues = [queue],
                WorkerCount = workers,
                IsLightweightServer = lightweight,
                Activator = new AspNetCoreJobActivator(scopes),
                ShutdownTimeout = StopTimeout,
            },
            storage);
        Log.ServerStarted(logger, leadership.NodeId, queue, workers);
        return server;
    }

    private async Task StopAsync(BackgroundJobServer server, string queue, string reason)
    {
        server.SendStop();
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await server.WaitForShutdownAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Log.ServerStopSlow(logger, leadership.NodeId, queue, StopTimeout.TotalSeconds);
        }

        // Dispose waits too (bounded by ShutdownTimeout): keep it off the caller's thread.
        await Task.Run(server.Dispose);
        Log.ServerStopped(logger, leadership.NodeId, queue, reason);
    }
}
