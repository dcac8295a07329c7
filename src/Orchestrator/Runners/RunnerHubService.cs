using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// The SignalR hub proxy runners keep a WebSocket to. State lives in PostgreSQL, not in this
/// process: a runner that reconnects (to this node or another) announces itself again, and the
/// row follows its newest connection.
/// </summary>
[Authorize(AuthenticationSchemes = RunnerAuthenticationHandler.SchemeName)]
internal sealed class RunnerHubService(
    IRunnerStore runners,
    IOptions<NodeOptions> node,
    IOptions<RunnersOptions> options,
    ILogger<RunnerHubService> logger) : Hub<IRunnerClient>, IRunnerHub
{
    private Guid RunnerId => Guid.Parse(Context.User!.FindFirst(RunnerAuthenticationHandler.RunnerIdClaim)!.Value);

    private string RunnerName => Context.User!.Identity!.Name!;

    public async Task<AnnounceAck> Announce(RunnerAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var draining = await runners.ConnectedAsync(
            RunnerId, node.Value.Id, Context.ConnectionId, Math.Max(0, announcement.FreeSlots), Truncate(announcement.Version), Context.ConnectionAborted);
        Log.Connected(logger, RunnerName, node.Value.Id, announcement.FreeSlots, announcement.Running.Count, announcement.Version);
        return new AnnounceAck(RunnerId, node.Value.Id, draining, options.Value.HeartbeatInterval);
    }

    public async Task Heartbeat(RunnerHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var standing = await runners.HeartbeatAsync(RunnerId, Context.ConnectionId, Math.Max(0, heartbeat.FreeSlots), Context.ConnectionAborted);
        if (standing.Removed)
        {
            Log.RemovedRunnerClosed(logger, RunnerName);
            Context.Abort();
            return;
        }

        // Lossy channel: the drain flag is repeated on every heartbeat rather than sent once.
        await Clients.Caller.Drain(standing.Draining);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await runners.DisconnectedAsync(RunnerId, Context.ConnectionId, CancellationToken.None);
        Log.Disconnected(logger, RunnerName, node.Value.Id);
        await base.OnDisconnectedAsync(exception);
    }

    private static string Truncate(string? version) => (version ?? "unknown") is { Length: > 64 } v ? v[..64] : version ?? "unknown";

    internal static string ServerVersion { get; } =
        typeof(RunnerHubService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
