namespace RunnerHub.Contracts.Hub;

/// <summary>
/// What a proxy runner may ask of the orchestrator it is connected to, over SignalR at
/// <see cref="RunnerHubRoutes.Hub"/>. SignalR is a lossy notification channel: every call is
/// idempotent, and after a reconnect the runner announces its whole state again.
/// </summary>
public interface IRunnerHub
{
    /// <summary>Says who is here, how many slots are free and what runs; sent after every (re)connect.</summary>
    Task<AnnounceAck> Announce(RunnerAnnouncement announcement);

    /// <summary>Keeps the runner online and extends the leases of the dispatches it runs.</summary>
    Task Heartbeat(RunnerHeartbeat heartbeat);
}

/// <summary>What the orchestrator may tell a connected proxy runner.</summary>
public interface IRunnerClient
{
    /// <summary>Stop taking new work; finish what runs (or resume taking work when <paramref name="draining"/> is false).</summary>
    Task Drain(bool draining);
}

/// <summary>The SignalR route of the runner hub and the method names, shared by both sides.</summary>
public static class RunnerHubRoutes
{
    /// <summary>The hub's path: under <c>/hubs/</c>, which HAProxy keeps sticky.</summary>
    public const string Hub = "/hubs/runners";
}

/// <summary>A job the runner is running: the dispatch attempt is part of its identity.</summary>
/// <param name="JobId">GitHub's workflow_job id.</param>
/// <param name="Attempt">The dispatch attempt the runner was given; stale attempts are ignored by the orchestrator.</param>
public sealed record RunningJob(long JobId, int Attempt);

/// <summary>The runner's state, sent after each (re)connect.</summary>
/// <param name="FreeSlots">Slots that can take a job now.</param>
/// <param name="Running">Jobs the runner is running.</param>
/// <param name="Version">The runner's version, for the operator's view.</param>
public sealed record RunnerAnnouncement(int FreeSlots, IReadOnlyList<RunningJob> Running, string Version);

/// <summary>The orchestrator's answer to <see cref="IRunnerHub.Announce"/>.</summary>
/// <param name="RunnerId">The runner's id, as registered.</param>
/// <param name="NodeId">The orchestrator the runner is connected to.</param>
/// <param name="Draining">True when an operator asked this runner to take no new work.</param>
/// <param name="HeartbeatInterval">How often to send <see cref="IRunnerHub.Heartbeat"/>.</param>
public sealed record AnnounceAck(Guid RunnerId, string NodeId, bool Draining, TimeSpan HeartbeatInterval);

/// <summary>A periodic heartbeat.</summary>
/// <param name="FreeSlots">Slots that can take a job now.</param>
/// <param name="Running">Jobs the runner is running.</param>
public sealed record RunnerHeartbeat(int FreeSlots, IReadOnlyList<RunningJob> Running);
