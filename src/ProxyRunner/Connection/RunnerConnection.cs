using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts.Hub;
using RunnerHub.ProxyRunner.Execution;
using RunnerHub.ProxyRunner.Registration;

namespace RunnerHub.ProxyRunner.Connection;

/// <summary>
/// Keeps a SignalR connection to an orchestrator through HAProxy (:8081, sticky), forever:
/// registers once, connects with its credential, announces its state after every (re)connect,
/// and heartbeats. The orchestrator trusts PostgreSQL, not this connection; nothing here
/// depends on a message having arrived.
/// </summary>
internal sealed partial class RunnerConnection(
    RunnerRegistration registration,
    RunnerState state,
    IJobExecutor executor,
    JobCancellations cancellations,
    IOptions<RunnerOptions> options,
    TimeProvider time,
    ILogger<RunnerConnection> logger) : BackgroundService
{
    private static readonly string Version =
        typeof(RunnerConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly Queue<JobExitReport> _unsentExits = new();

    // One sender at a time: the exit forwarder and the heartbeat both flush the queue, and two
    // flushes would send a report twice and then drop the next one.
    private readonly SemaphoreSlim _sending = new(1, 1);
    private TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(5);
    private bool _announced;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var identity = await registration.EnsureRegisteredAsync(stoppingToken);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(options.Value.OrchestratorUrl), RunnerHubRoutes.Hub), o =>
                o.AccessTokenProvider = () => Task.FromResult<string?>(identity.Credential))
            .WithAutomaticReconnect(new ForeverRetryPolicy())
            .Build();
        hub.On<bool>(nameof(IRunnerClient.Drain), SetDraining);
        hub.On<JobDispatch, DispatchAck>(nameof(IRunnerClient.Dispatch), d => StartAsync(d, stoppingToken));

        // Not awaited: a handler holds up the messages behind it, and a kill may take the kill timeout.
        hub.On<JobCancel>(nameof(IRunnerClient.Cancel), c => _ = cancellations.CancelAsync(c, stoppingToken));
        hub.Reconnecting += error =>
        {
            _announced = false;
            state.Lost();
            LogReconnecting(logger, error?.Message ?? "connection closed");
            return Task.CompletedTask;
        };
        hub.Reconnected += _ => AnnounceAsync(hub, stoppingToken);

        await ConnectAsync(hub, stoppingToken);
        await AnnounceAsync(hub, stoppingToken);
        var exits = ForwardExitsAsync(hub, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(_heartbeatInterval, time, stoppingToken);
            await RunOnceAsync(hub, stoppingToken);
        }

        await exits;
    }

    public override void Dispose()
    {
        _sending.Dispose();
        base.Dispose();
    }

    /// <summary>Starts a dispatched job's runner process; the answer is the orchestrator's acknowledgement.</summary>
    internal async Task<DispatchAck> StartAsync(JobDispatch dispatch, CancellationToken cancellationToken)
    {
        if (state.Draining)
        {
            return new DispatchAck(false, "draining");
        }

        try
        {
            await executor.StartAsync(new JobLaunch(dispatch.JobId, dispatch.Attempt, dispatch.RunnerName, dispatch.JitConfig, dispatch.Labels), cancellationToken);
            return new DispatchAck(true, null);
        }
        catch (Exception ex) when (ex is JobStartException or ArgumentException)
        {
            return new DispatchAck(false, ex.Message);
        }
    }

    /// <summary>Reports every job exit to the orchestrator; exits that cannot be sent now go with the next heartbeat.</summary>
    private async Task ForwardExitsAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in executor.Events.ReadAllAsync(cancellationToken))
            {
                if (e is JobExited exited)
                {
                    lock (_unsentExits)
                    {
                        _unsentExits.Enqueue(new JobExitReport(exited.JobId, exited.Attempt, exited.ExitCode, Outcome(exited.Kind)));
                    }

                    await SendExitsAsync(hub, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SendExitsAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await SendQueuedExitsAsync(hub, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task SendQueuedExitsAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        while (hub.State == HubConnectionState.Connected)
        {
            JobExitReport report;
            lock (_unsentExits)
            {
                if (!_unsentExits.TryPeek(out report!))
                {
                    return;
                }
            }

            try
            {
                // The slots as they are when sent, not when the job exited: the orchestrator takes
                // them as they are (adding one slot per exit would count an exit twice when a
                // heartbeat sent after the exit already showed that slot free).
                var accepted = executor.Accepted;
                await hub.InvokeAsync(nameof(IRunnerHub.JobExited), report with { FreeSlots = FreeSlots(), Accepted = accepted }, cancellationToken);
            }
            catch (Exception ex) when (IsConnectionFault(ex, cancellationToken))
            {
                LogHeartbeatFailed(logger, ex.Message);
                return;
            }

            lock (_unsentExits)
            {
                _unsentExits.Dequeue();
            }
        }
    }

    /// <summary>One heartbeat tick: announce if the last announce did not land, else heartbeat.</summary>
    internal async Task RunOnceAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        if (hub.State != HubConnectionState.Connected)
        {
            return;
        }

        if (!_announced)
        {
            await AnnounceAsync(hub, cancellationToken);
            return;
        }

        try
        {
            // Accepted before FreeSlots: a dispatch started in between then shows as a taken slot
            // not yet counted, never as a counted one whose slot still looks free.
            var accepted = executor.Accepted;
            await hub.InvokeAsync(nameof(IRunnerHub.Heartbeat), new RunnerHeartbeat(FreeSlots(), Running(), accepted), cancellationToken);
            await SendExitsAsync(hub, cancellationToken);
        }
        catch (Exception ex) when (IsConnectionFault(ex, cancellationToken))
        {
            LogHeartbeatFailed(logger, ex.Message);
        }
    }

    private async Task ConnectAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await hub.StartAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or System.Net.WebSockets.WebSocketException)
            {
                var delay = Backoff.Delay(attempt, Random.Shared);
                LogConnectFailed(logger, options.Value.OrchestratorUrl, attempt, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    private async Task AnnounceAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        try
        {
            var accepted = executor.Accepted;
            var ack = await hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(executor.Slots, FreeSlots(), Running(), Version, accepted), cancellationToken);
            _heartbeatInterval = ack.HeartbeatInterval;
            _announced = true;
            state.Announced(ack.NodeId, ack.Draining);
            LogAnnounced(logger, ack.NodeId, ack.RunnerId, ack.Draining);
        }
        catch (Exception ex) when (IsConnectionFault(ex, cancellationToken))
        {
            // Retried on the next heartbeat tick.
            LogAnnounceFailed(logger, ex.Message);
        }
    }

    /// <summary>
    /// A call to the orchestrator failed because of the connection, not because this runner is
    /// stopping: logged and retried on the next tick. A connection dropped mid-call surfaces as
    /// whatever the transport was doing (a WebSocketException, an IOException, an invocation
    /// cancelled by the connection closing); letting one escape stopped the whole proxy runner
    /// (found by scripts/chaos: a killed orchestrator took a runner down with it).
    /// </summary>
    internal static bool IsConnectionFault(Exception exception, CancellationToken stopping) =>
        !stopping.IsCancellationRequested
        && exception is HubException or InvalidOperationException or HttpRequestException or IOException
            or System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException;

    private void SetDraining(bool draining)
    {
        if (draining != state.Draining)
        {
            LogDraining(logger, draining);
        }

        state.SetDraining(draining);
    }

    internal static string Outcome(JobExitKind kind) => kind switch
    {
        JobExitKind.Exited => "exited",
        JobExitKind.Cancelled => "cancelled",
        JobExitKind.KilledOnShutdown => "killed-on-shutdown",
        JobExitKind.Orphaned => "orphaned",
        _ => "unknown",
    };

    private int FreeSlots() => state.Draining ? 0 : executor.FreeSlots;

    private List<RunningJob> Running() => [.. executor.Running.Select(r => new RunningJob(r.JobId, r.Attempt))];

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Connected to orchestrator {NodeId} as runner {RunnerId} (draining: {Draining})")]
    private static partial void LogAnnounced(ILogger logger, string nodeId, Guid runnerId, bool draining);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning, Message = "Cannot reach the orchestrators at {Url} (attempt {Attempt}, next in {Seconds:0.0} s): {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string url, int attempt, double seconds, string reason);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "Lost the orchestrator connection ({Reason}); reconnecting")]
    private static partial void LogReconnecting(ILogger logger, string reason);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning, Message = "Announce failed ({Reason}); retrying on the next heartbeat")]
    private static partial void LogAnnounceFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning, Message = "Heartbeat failed: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Information, Message = "Operator set draining to {Draining}")]
    private static partial void LogDraining(ILogger logger, bool draining);
}
