using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.Jobs;
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
    ConnectedRunners connected,
    DispatchSignal dispatch,
    IDispatchStore dispatches,
    IJobQueue queue,
    OrphanedProcesses orphans,
    IOptions<NodeOptions> node,
    IOptions<RunnersOptions> options,
    IOptions<DispatchOptions> dispatchOptions,
    ILogger<RunnerHubService> logger) : Hub<IRunnerClient>, IRunnerHub
{
    private LabelSet Labels => LabelSet.Parse(Context.User!.FindFirst(RunnerAuthenticationHandler.LabelsClaim)!.Value);

    private Guid RunnerId => Guid.Parse(Context.User!.FindFirst(RunnerAuthenticationHandler.RunnerIdClaim)!.Value);

    private string RunnerName => Context.User!.Identity!.Name!;

    public async Task<AnnounceAck> Announce(RunnerAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var slots = Math.Clamp(announcement.Slots, 1, 64);
        var free = Math.Clamp(announcement.FreeSlots, 0, slots);
        var draining = await runners.ConnectedAsync(
            RunnerId, node.Value.Id, Context.ConnectionId, slots, free, Truncate(announcement.Version), Context.ConnectionAborted);
        Log.Connected(logger, RunnerName, node.Value.Id, announcement.FreeSlots, announcement.Running.Count, announcement.Version);
        await dispatches.ExtendLeasesAsync(RunnerId, announcement.Running, dispatchOptions.Value.Lease, Context.ConnectionAborted);
        Context.Items["slots"] = slots;
        connected.Update(new ConnectedRunner(RunnerId, RunnerName, Context.ConnectionId, Labels, slots, free, draining, announcement.Accepted));
        await orphans.CancelAsync(RunnerId, RunnerName, announcement.Running, Clients.Caller, Context.ConnectionAborted);
        dispatch.Raise();
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

        await dispatches.ExtendLeasesAsync(RunnerId, heartbeat.Running, dispatchOptions.Value.Lease, Context.ConnectionAborted);

        // Lossy channel: a cancel is repeated on every heartbeat while the process is reported.
        await orphans.CancelAsync(RunnerId, RunnerName, heartbeat.Running, Clients.Caller, Context.ConnectionAborted);
        var slots = Context.Items.TryGetValue("slots", out var announced) && announced is int n ? n : 1;
        connected.Report(new ConnectedRunner(RunnerId, RunnerName, Context.ConnectionId, Labels, slots, Math.Clamp(heartbeat.FreeSlots, 0, slots), standing.Draining), heartbeat.Accepted);
        if (heartbeat.FreeSlots > 0 && !standing.Draining)
        {
            dispatch.Raise();
        }

        // Lossy channel: the drain flag is repeated on every heartbeat rather than sent once.
        await Clients.Caller.Drain(standing.Draining);
    }

    public async Task JobExited(JobExitReport report)
    {
        ArgumentNullException.ThrowIfNull(report);

        // The runner process ended before GitHub said the job started: the job still needs a
        // runner. (Once in_progress, GitHub's completed webhook closes it instead.)
        if (await dispatches.RunnerExitedAsync(report.JobId, report.Attempt, RunnerId, Context.ConnectionAborted) is { } requeued)
        {
            await queue.EnqueueAsync(LabelSet.Parse(requeued.LabelKey), requeued.JobId);
        }

        Log.JobExited(logger, RunnerName, report.JobId, report.Attempt, report.Outcome, report.ExitCode);
        if (report.FreeSlots is { } free)
        {
            connected.ReportFreeSlots(RunnerId, Context.ConnectionId, free, report.Accepted);
        }
        else
        {
            connected.FreeSlot(RunnerId);
        }

        dispatch.Raise();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connected.Remove(RunnerId, Context.ConnectionId);
        await runners.DisconnectedAsync(RunnerId, Context.ConnectionId, CancellationToken.None);
        Log.Disconnected(logger, RunnerName, node.Value.Id);
        await base.OnDisconnectedAsync(exception);
    }

    private static string Truncate(string? version) => (version ?? "unknown") is { Length: > 64 } v ? v[..64] : version ?? "unknown";
}
