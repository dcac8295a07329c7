namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// Job, run, runner and batch ids. Each counter starts at (Unix seconds at start × 1,000,000), so
/// a restarted simulator never hands out an id the orchestrator has already stored (unless it
/// created more than a million of one kind per second of uptime), the ids need 64 bits as
/// GitHub's do, and they stay below 2^53 for JSON readers. Never reset, not even by
/// <c>DELETE /_simulator/state</c>.
/// </summary>
internal sealed class SimulatorIds(TimeProvider time)
{
    private readonly long _start = time.GetUtcNow().ToUnixTimeSeconds() * 1_000_000;
    private long _jobs;
    private long _runs;
    private long _runners;
    private long _batches;

    /// <summary>Reserves <paramref name="count"/> consecutive job ids and returns the first.</summary>
    public long ReserveJobs(int count) => _start + Interlocked.Add(ref _jobs, count) - count + 1;

    /// <summary>Reserves <paramref name="count"/> consecutive run ids and returns the first.</summary>
    public long ReserveRuns(int count) => _start + Interlocked.Add(ref _runs, count) - count + 1;

    public long NextRunner() => _start + Interlocked.Increment(ref _runners);

    public long NextBatch() => _start + Interlocked.Increment(ref _batches);
}
