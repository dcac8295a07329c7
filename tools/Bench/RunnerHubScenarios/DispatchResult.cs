using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>
/// Scenario 1 at one rate. <see cref="WebhookToRunner"/>: PostgreSQL's <c>accepted_at</c> (the
/// job committed, just before the 2xx) to <c>acknowledged_at</c> (the proxy runner confirmed it
/// holds the JIT config), one clock; only jobs whose own dispatch reached a runner
/// (<see cref="Acknowledged"/>): GitHub may hand a new runner another, older matching job, and the
/// job it was made for then starts on yet another runner without a dispatch of its own.
/// <see cref="QueuedToInProgress"/>: the simulator's
/// <c>queued</c> to its <c>in_progress</c> (GitHub's view), one clock.
/// </summary>
internal sealed record DispatchResult(
    double Rate,
    double DurationSeconds,
    int Jobs,
    double AchievedRate,
    int Accepted,
    int Acknowledged,
    int InProgress,
    int FailedDeliveries,
    bool TimedOut,
    LatencySummary WebhookToRunner,
    LatencySummary QueuedToInProgress,
    DispatchBreakdown Breakdown,
    IReadOnlyList<ProcessUsage> Processes,
    StackCpu? StackCpu = null,
    IReadOnlyDictionary<string, StepFigure>? Steps = null);

/// <summary>
/// CPU of every process of the stack (each with its descendants: PostgreSQL's backends, a proxy
/// runner's job processes), in ticks of 1/100 s: <see cref="Idle"/> over
/// <see cref="IdleSeconds"/> with no jobs, then <see cref="Busy"/> over <see cref="BusySeconds"/>
/// from the first job's creation until the last one started.
/// </summary>
internal sealed record StackCpu(double IdleSeconds, IReadOnlyList<TreeUsage> Idle, double BusySeconds, IReadOnlyList<TreeUsage> Busy);

/// <summary>
/// Where <see cref="DispatchResult.WebhookToRunner"/> goes: <see cref="AcceptedToClaimed"/> (queued
/// until a node with a free slot claims the job in PostgreSQL) and <see cref="ClaimedToAcknowledged"/>
/// (JIT config from GitHub, SignalR to the runner, its process start, the ack back).
/// </summary>
internal sealed record DispatchBreakdown(LatencySummary AcceptedToClaimed, LatencySummary ClaimedToAcknowledged);
