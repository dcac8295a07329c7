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

    /// <summary>
    /// Puts the job held by the dispatch (<paramref name="jobId"/>, <paramref name="attempt"/>)
    /// of runner <paramref name="runnerId"/> back to queued, if one still waits on it; null when
    /// none does (the job the runner was launched for may be another one after a swap, and a
    /// refused dispatch gives its attempt back, so the same JIT runner name may since belong to
    /// another runner's dispatch). <paramref name="attemptUsed"/> false (the dispatch never
    /// reached a runner: GitHub or the runner refused) gives the attempt back, so a full runner
    /// cannot push a job to dead.
    /// </summary>
    Task<RequeuedJob?> ReleaseAsync(long jobId, int attempt, Guid runnerId, bool attemptUsed, CancellationToken cancellationToken);

    /// <summary>
    /// The JIT runner process of dispatch (<paramref name="jobId"/>, <paramref name="attempt"/>)
    /// on runner <paramref name="runnerId"/> ended. A job still dispatched under its name (GitHub
    /// started nothing on it) goes back to queued, attempt used, and is returned; a job past
    /// dispatched that holds the name (it ran there, or took the runner over in a swap) loses
    /// its lease, so the runner is known to be gone and no later swap hands it to a waiting job.
    /// </summary>
    Task<RequeuedJob?> RunnerExitedAsync(long jobId, int attempt, Guid runnerId, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the leases of the dispatches a runner reports running. A dispatch is known by its
    /// JIT runner (<c>rh-{job}-{attempt}</c>), not its job: after a swap the runner launched for
    /// one job holds another, and its heartbeats must keep that one alive.
    /// </summary>
    Task ExtendLeasesAsync(Guid runnerId, IReadOnlyList<Contracts.Hub.RunningJob> running, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Dispatches whose lease ran out go back to queued, or to dead after the last failed attempt
    /// (attempts whose runner GitHub gave to another job, rebounds, do not count).
    /// Returns the jobs put back in a queue (to push their pointers again).
    /// </summary>
    Task<IReadOnlyList<RequeuedJob>> ExpireLeasesAsync(int maxAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// GitHub gave the JIT runner launched for job A a different job B (any idle runner with
    /// matching labels may take any job), so A needs a runner again. When B had its own JIT runner
    /// waiting, A takes that one over (swap: nothing is launched twice); otherwise A goes back to
    /// its queue and is returned. Either way A counts a rebound, not a failed attempt.
    /// </summary>
    Task<RequeuedJob?> RequeueJobOfRunnerAsync(string jitRunnerName, long busyWithJobId, CancellationToken cancellationToken);

    /// <summary>
    /// Of the jobs runner <paramref name="runnerId"/> reports running, those whose process should
    /// not run, with what PostgreSQL knows of their job. A process (<c>rh-{job}-{attempt}</c>) is
    /// live when this runner holds a dispatch under that JIT runner name that is dispatched or in
    /// progress, when GitHub runs a job on it (in progress with that <c>runner_name</c>: GitHub
    /// may give a JIT runner another job), or when a job it ran completed less than
    /// <paramref name="exitGrace"/> ago (the runner exits by itself). One query for the whole list.
    /// </summary>
    Task<IReadOnlyList<OrphanedProcess>> FindOrphansAsync(Guid runnerId, IReadOnlyList<Contracts.Hub.RunningJob> running, TimeSpan exitGrace, CancellationToken cancellationToken);

    /// <summary>
    /// Dispatches still <c>dispatched</c> (GitHub has not started their job) that were made more
    /// than <paramref name="olderThan"/> ago, oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<UnusedDispatch>> UnusedDispatchesAsync(TimeSpan olderThan, int limit, CancellationToken cancellationToken);

    /// <summary>Which of these jobs are queued in PostgreSQL now.</summary>
    Task<IReadOnlySet<long>> QueuedAmongAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the jobs queued in PostgreSQL for longer than <paramref name="olderThan"/>, in job
    /// id order after <paramref name="afterJobId"/>, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<RequeuedJob>> QueuedLongerThanAsync(TimeSpan olderThan, long afterJobId, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// A claimed job. <paramref name="QueuedSince"/> is when it last became queued and
/// <paramref name="DispatchedAt"/> the claim, both on PostgreSQL's clock.
/// </summary>
internal sealed record ClaimedJob(long JobId, int Attempt, string Repository, string JitRunnerName, IReadOnlyList<string> Labels, DateTimeOffset QueuedSince, DateTimeOffset DispatchedAt);

internal sealed record RequeuedJob(long JobId, string LabelKey);
