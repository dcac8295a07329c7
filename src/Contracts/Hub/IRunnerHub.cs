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

    /// <summary>A dispatched job's runner process ended (or could not start): its slot is free again.</summary>
    Task JobExited(JobExitReport report);
}

/// <summary>What the orchestrator may tell a connected proxy runner.</summary>
public interface IRunnerClient
{
    /// <summary>Stop taking new work; finish what runs (or resume taking work when <paramref name="draining"/> is false).</summary>
    Task Drain(bool draining);

    /// <summary>
    /// Start an ephemeral actions runner for a job. The answer says whether the runner process
    /// started; a runner that is full or draining refuses and the job goes back to its queue.
    /// </summary>
    Task<DispatchAck> Dispatch(JobDispatch dispatch);

    /// <summary>
    /// Stop the runner process of a job this runner reported running but should not run any more
    /// (PostgreSQL has no live dispatch for it). Sent again on every heartbeat until the job is no
    /// longer reported, so it must be idempotent; one for a job that does not run is ignored. The
    /// process's end is reported through <see cref="IRunnerHub.JobExited"/> as usual.
    /// </summary>
    Task Cancel(JobCancel cancel);
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
/// <param name="Slots">How many jobs the runner runs at once (its configuration now, which may differ from its registration).</param>
/// <param name="FreeSlots">Slots that can take a job now.</param>
/// <param name="Running">Jobs the runner is running.</param>
/// <param name="Version">The runner's version, for the operator's view.</param>
/// <param name="Accepted">How many dispatches the runner has started since it began (see <see cref="RunnerHeartbeat.Accepted"/>); null from a runner that does not count them.</param>
public sealed record RunnerAnnouncement(int Slots, int FreeSlots, IReadOnlyList<RunningJob> Running, string Version, long? Accepted = null);

/// <summary>The orchestrator's answer to <see cref="IRunnerHub.Announce"/>.</summary>
/// <param name="RunnerId">The runner's id, as registered.</param>
/// <param name="NodeId">The orchestrator the runner is connected to.</param>
/// <param name="Draining">True when an operator asked this runner to take no new work.</param>
/// <param name="HeartbeatInterval">How often to send <see cref="IRunnerHub.Heartbeat"/>.</param>
public sealed record AnnounceAck(Guid RunnerId, string NodeId, bool Draining, TimeSpan HeartbeatInterval);

/// <summary>A periodic heartbeat.</summary>
/// <param name="FreeSlots">Slots that can take a job now.</param>
/// <param name="Running">Jobs the runner is running.</param>
/// <param name="Accepted">
/// How many dispatches the runner has started since it began, read before
/// <paramref name="FreeSlots"/>. A heartbeat is sent before some dispatches are acknowledged and
/// read after, so its free slots may still count slots those took: the orchestrator takes off the
/// dispatches it saw acknowledged beyond this count. Null from a runner that does not count them.
/// </param>
public sealed record RunnerHeartbeat(int FreeSlots, IReadOnlyList<RunningJob> Running, long? Accepted = null);

/// <summary>A job handed to a runner slot. <see cref="JitConfig"/> is a secret: never log it.</summary>
/// <param name="JobId">GitHub's workflow_job id.</param>
/// <param name="Attempt">The dispatch attempt; every report about it carries it back.</param>
/// <param name="Repository">owner/name.</param>
/// <param name="RunnerName">The JIT runner's unique name, as registered with GitHub.</param>
/// <param name="JitConfig">The encoded just-in-time config for <c>run.sh --jitconfig</c>.</param>
/// <param name="Labels">The job's labels (the JIT runner has exactly these).</param>
public sealed record JobDispatch(long JobId, int Attempt, string Repository, string RunnerName, string JitConfig, IReadOnlyList<string> Labels)
{
    /// <inheritdoc />
    public override string ToString() => $"JobDispatch {{ JobId = {JobId}, Attempt = {Attempt}, RunnerName = {RunnerName} }}";
}

/// <summary>The runner's answer to <see cref="IRunnerClient.Dispatch"/>.</summary>
/// <param name="Started">True when the runner process started.</param>
/// <param name="Reason">Why not, when it did not.</param>
public sealed record DispatchAck(bool Started, string? Reason);

/// <summary>The orchestrator's order to stop a job's runner process.</summary>
/// <param name="JobId">GitHub's workflow_job id, as the runner reported it.</param>
/// <param name="Attempt">The dispatch attempt, as the runner reported it: only that process is stopped.</param>
/// <param name="Reason">Why it should not run, for the runner's log (for example <c>the job completed</c>).</param>
public sealed record JobCancel(long JobId, int Attempt, string Reason);

/// <summary>How a dispatched job's runner process ended.</summary>
/// <param name="JobId">GitHub's workflow_job id.</param>
/// <param name="Attempt">The dispatch attempt.</param>
/// <param name="ExitCode">The process's exit code, when known.</param>
/// <param name="Outcome">
/// <c>exited</c> (by itself), <c>cancelled</c>, <c>killed-on-shutdown</c> (the proxy runner stopped),
/// <c>orphaned</c> (left over by a previous run of the proxy runner and killed), or <c>unknown</c>
/// (gone while the proxy runner was down).
/// </param>
/// <param name="FreeSlots">The runner's free slots when it sent the report (the exited job's slot among them); null from an older runner.</param>
/// <param name="Accepted">The runner's count of started dispatches, read before <paramref name="FreeSlots"/>, as in <see cref="RunnerHeartbeat.Accepted"/>.</param>
public sealed record JobExitReport(long JobId, int Attempt, int? ExitCode, string Outcome, int? FreeSlots = null, long? Accepted = null);
