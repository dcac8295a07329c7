namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>Dispatch decisions in the system of record: PostgreSQL decides who holds a job.</summary>
internal interface IDispatchStore
{
    /// <summary>
    /// Claims a queued job for a runner (<c>UPDATE … WHERE state = 'queued'</c>): raises the
    /// attempt, names the JIT runner, starts the lease. Null when the job is not queued (any more).
    /// </summary>
    Task<ClaimedJob?> ClaimAsync(long jobId, Guid runnerId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records that the runner started the dispatched attempt (the end of the dispatch latency).</summary>
    Task AcknowledgedAsync(long jobId, int attempt, CancellationToken cancellationToken);

    /// <summary>Puts a claimed job back to queued if it is still held by that attempt; null when it was not.</summary>
    Task<RequeuedJob?> ReleaseAsync(long jobId, int attempt, CancellationToken cancellationToken);

    /// <summary>Extends the leases of the dispatches a runner reports running (matching job and attempt).</summary>
    Task ExtendLeasesAsync(Guid runnerId, IReadOnlyList<Contracts.Hub.RunningJob> running, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Dispatches whose lease ran out go back to queued, or to dead after the last attempt.
    /// Returns the jobs put back in a queue (to push their pointers again).
    /// </summary>
    Task<IReadOnlyList<RequeuedJob>> ExpireLeasesAsync(int maxAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// GitHub gave the JIT runner launched for one job a different job (any idle runner with
    /// matching labels may take any job): the job it was launched for needs a runner again.
    /// </summary>
    Task<RequeuedJob?> RequeueJobOfRunnerAsync(string jitRunnerName, long busyWithJobId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the jobs queued in PostgreSQL for longer than <paramref name="olderThan"/>, in job
    /// id order after <paramref name="afterJobId"/>, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<RequeuedJob>> QueuedLongerThanAsync(TimeSpan olderThan, long afterJobId, int limit, CancellationToken cancellationToken);
}

internal sealed record ClaimedJob(long JobId, int Attempt, string Repository, string JitRunnerName, IReadOnlyList<string> Labels);

internal sealed record RequeuedJob(long JobId, string LabelKey);
