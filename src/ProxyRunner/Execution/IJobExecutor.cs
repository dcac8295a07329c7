using System.Threading.Channels;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// Runs dispatched jobs as ephemeral <c>actions/runner</c> processes, one per slot, and says what
/// happened to them. The connection layer calls it and forwards <see cref="Events"/> to the
/// orchestrator; everything here is safe to call from several threads.
/// </summary>
internal interface IJobExecutor
{
    /// <summary>
    /// Every <see cref="JobStarted"/> and <see cref="JobExited"/>, in order per job, for one reader
    /// to forward. Completes after <see cref="StopAsync"/> has seen every job end. Events are not
    /// dropped while nobody reads; a reader that loses its connection should keep the unsent ones
    /// and, after reconnecting, also send <see cref="Running"/> (SignalR is lossy, DESIGN.md).
    /// </summary>
    ChannelReader<ExecutionEvent> Events { get; }

    /// <summary>The jobs whose processes run now, for heartbeats and re-registration.</summary>
    IReadOnlyList<RunningProcess> Running { get; }

    /// <summary>How many jobs may run at once (<c>Runner:Slots</c>).</summary>
    int Slots { get; }

    /// <summary>Slots neither running nor starting a job; 0 once stopping.</summary>
    int FreeSlots { get; }

    /// <summary>Dispatches started since this executor began (repeats of one dispatch count once); never decreases.</summary>
    long Accepted { get; }

    /// <summary>
    /// Starts the job's runner: the <see cref="ExecutionOptions.Command"/> under <c>setsid</c>, its
    /// output to <c>&lt;LogDirectory&gt;/&lt;jobId&gt;-&lt;attempt&gt;.log</c>. Returns once the
    /// process runs (not when it ends) and publishes <see cref="JobStarted"/>. Starting a
    /// <c>(jobId, attempt)</c> that is already running or starting returns that job again: a
    /// repeated dispatch message must not start a second runner.
    /// </summary>
    /// <exception cref="JobStartException">No free slot, stopping, or the process could not be started.</exception>
    /// <exception cref="ArgumentException">The launch is incomplete.</exception>
    Task<RunningProcess> StartAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a job: SIGTERM to its whole process group, SIGKILL after
    /// <see cref="ExecutionOptions.KillTimeout"/>. Completes when it has exited, with its exit
    /// (also published, <see cref="JobExitKind.Cancelled"/>), or null when no such job runs here.
    /// The kill goes on even if <paramref name="cancellationToken"/> stops the wait.
    /// </summary>
    Task<JobExited?> CancelAsync(long jobId, int attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Deals with the jobs a previous run of this proxy runner left behind (its state files), once
    /// at start-up before any job is started. A job whose process still runs (same pid and same
    /// start time, same boot) is killed with its group and reported
    /// <see cref="JobExitKind.Orphaned"/>: its JIT config was single-use, so it cannot be
    /// restarted, and adopting it would mean reporting for a dispatch whose lease the
    /// orchestrator may already have expired and handed to another runner; killing it frees the
    /// machine and lets GitHub and the orchestrator see the attempt end. A job whose process is
    /// gone is reported <see cref="JobExitKind.Unknown"/>; a pid now used by another process is
    /// never signalled. Every report is also published on <see cref="Events"/>.
    /// </summary>
    Task<IReadOnlyList<JobExited>> FindLeftoversAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops taking jobs and lets the running ones finish until <paramref name="cancellationToken"/>
    /// fires (the host's shutdown timeout), then kills them (<see cref="JobExitKind.KilledOnShutdown"/>).
    /// Safe to call twice.
    /// </summary>
    Task StopAsync(CancellationToken cancellationToken);
}
