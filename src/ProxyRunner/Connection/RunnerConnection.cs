using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts.Hub;
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
    IOptions<RunnerOptions> options,
    TimeProvider time,
    ILogger<RunnerConnection> logger) : BackgroundService
{
    private static readonly string Version =
        typeof(RunnerConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

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
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(_heartbeatInterval, time, stoppingToken);
            await RunOnceAsync(hub, stoppingToken);
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
            await hub.InvokeAsync(nameof(IRunnerHub.Heartbeat), new RunnerHeartbeat(FreeSlots(), []), cancellationToken);
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or HttpRequestException)
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
            var ack = await hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(FreeSlots(), [], Version), cancellationToken);
            _heartbeatInterval = ack.HeartbeatInterval;
            _announced = true;
            state.Announced(ack.NodeId, ack.Draining);
            LogAnnounced(logger, ack.NodeId, ack.RunnerId, ack.Draining);
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or HttpRequestException)
        {
            // Retried on the next heartbeat tick.
            LogAnnounceFailed(logger, ex.Message);
        }
    }

    private void SetDraining(bool draining)
    {
        if (draining != state.Draining)
        {
            LogDraining(logger, draining);
        }

        state.SetDraining(draining);
    }

    private int FreeSlots() => state.Draining ? 0 : options.Value.Slots;

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
