using System.ComponentModel;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RunnerHub.ProxyRunner.Registration;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// Runs each job as its own OS process group and keeps the slot table; see <see cref="IJobExecutor"/>.
/// Split by concern: start here, exit and stop in <c>JobExecutor.Exit.cs</c>, leftovers of a
/// previous run in <c>JobExecutor.Leftovers.cs</c>.
/// </summary>
internal sealed partial class JobExecutor : IJobExecutor, IAsyncDisposable
{
    /// <summary>How long output may keep coming after the job's group is gone before we stop reading.</summary>
    internal static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

    private readonly Channel<ExecutionEvent> _events = Channel.CreateUnbounded<ExecutionEvent>();
    private readonly Dictionary<(long JobId, int Attempt), JobProcess> _jobs = [];
    private readonly Lock _gate = new();
    private readonly ExecutionOptions _options;
    private readonly CommandTemplate _command;
    private readonly string _runnerDirectory;
    private readonly string _logDirectory;
    private readonly RunningJobStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<JobExecutor> _logger;
    private bool _stopping;
    private long _accepted;

    public JobExecutor(IOptions<ExecutionOptions> options, IOptions<RunnerOptions> runner, TimeProvider time, ILogger<JobExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runner);
        _options = options.Value;
        _command = CommandTemplate.Parse(_options.Command);
        _runnerDirectory = Path.GetFullPath(_options.RunnerDirectory);
        var stateDirectory = Path.GetFullPath(runner.Value.StateDirectory is { Length: > 0 } state ? state : ".");
        _logDirectory = _options.LogDirectory is { Length: > 0 } logs ? Path.GetFullPath(logs) : Path.Combine(stateDirectory, "jobs");
        _store = new RunningJobStore(Path.Combine(stateDirectory, "running"));
        Slots = runner.Value.Slots;
        _time = time;
        _logger = logger;
    }

    public ChannelReader<ExecutionEvent> Events => _events.Reader;

    public int Slots { get; }

    public int FreeSlots
    {
        get
        {
            lock (_gate)
            {
                return _stopping ? 0 : Math.Max(0, Slots - _jobs.Count);
            }
        }
    }

    public long Accepted => Interlocked.Read(ref _accepted);

    public IReadOnlyList<RunningProcess> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _jobs.Values.Select(j => j.Snapshot).OfType<RunningProcess>().OrderBy(j => j.StartedAt)];
            }
        }
    }

    internal string LogDirectory => _logDirectory;

    internal string StateFileDirectory => _store.Directory;

    public async Task<RunningProcess> StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        launch.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        JobProcess? existing;
        JobProcess job;
        lock (_gate)
        {
            if (_jobs.TryGetValue((launch.JobId, launch.Attempt), out existing))
            {
                // A repeated dispatch: answered below with the job already there.
                job = existing;
            }
            else if (_stopping)
            {
                throw new JobStartException(JobStartFailure.Stopping, "The proxy runner is shutting down and takes no new jobs.");
            }
            else if (_jobs.Count >= Slots)
            {
                throw new JobStartException(JobStartFailure.NoFreeSlot, $"All {Slots} slot(s) are busy.");
            }
            else
            {
                job = new JobProcess(launch.JobId, launch.Attempt, launch.RunnerName, _options.KillTimeout, _time, _logger);
                // Holds the slot while the process starts, so a repeated dispatch finds it.
                _jobs.Add((launch.JobId, launch.Attempt), job);
            }
        }

        if (existing is null)
        {
            await LaunchAsync(job, launch);
        }

        var started = await job.Started;
        if (existing is null)
        {
            // Counted once started, after the slot was taken: a heartbeat between the two shows
            // the slot taken and the dispatch not counted, which errs towards fewer free slots.
            Interlocked.Increment(ref _accepted);
        }

        return started;
    }

    private async Task LaunchAsync(JobProcess job, JobLaunch launch)
    {
        RunningProcess running;
        try
        {
            running = await StartProcessAsync(job, launch);
        }
        catch (Exception ex) when (ex is JobStartException or IOException or UnauthorizedAccessException or Win32Exception or InvalidOperationException)
        {
            var failure = ex as JobStartException
                ?? new JobStartException(JobStartFailure.LaunchFailed, $"The runner process could not be started: {ex.Message}", ex);
            Log.StartFailed(_logger, ex, job.JobId, job.Attempt, failure.Message);
            lock (_gate)
            {
                _jobs.Remove((job.JobId, job.Attempt));
            }

            job.FailStart(failure);
            job.Dispose();
            return;
        }

        var stat = ProcStat.Read(running.ProcessId);
        var statePath = _store.PathFor(job.JobId, job.Attempt);
        try
        {
            await _store.WriteAsync(
                new RunningJobState(job.JobId, job.Attempt, job.RunnerName, running.ProcessId, running.ProcessId, stat?.StartTicks ?? 0, ProcStat.BootId(), running.StartedAt, job.Output!.Path),
                CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The job runs anyway; only a restart of this proxy runner would miss it.
            Log.StateFileFailed(_logger, ex, job.JobId, job.Attempt, statePath);
        }

        _events.Writer.TryWrite(new JobStarted(job.JobId, job.Attempt, job.RunnerName, running.ProcessId, running.StartedAt));
        Log.JobStarted(_logger, job.JobId, job.Attempt, running.ProcessId, job.RunnerName, job.Output!.Path);
        job.MarkStarted(running);
        _ = MonitorAsync(job, running);
    }

    private async Task<RunningProcess> StartProcessAsync(JobProcess job, JobLaunch launch)
    {
        var arguments = _command.Render(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CommandTemplate.RunnerDirectory] = _runnerDirectory,
            [CommandTemplate.JitConfig] = launch.JitConfig,
            [CommandTemplate.JobId] = launch.JobId.ToString(CultureInfo.InvariantCulture),
            [CommandTemplate.Attempt] = launch.Attempt.ToString(CultureInfo.InvariantCulture),
            [CommandTemplate.RunnerName] = launch.RunnerName,
        });
        EnsureRunnable(arguments[0]);

        Directory.CreateDirectory(_logDirectory);
        var log = JobLog.Open(Path.Combine(_logDirectory, string.Create(CultureInfo.InvariantCulture, $"{launch.JobId}-{launch.Attempt}.log")));
        // Names the program only: every other argument may be, or contain, the JIT config.
        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"=== runnerhub: job {launch.JobId} attempt {launch.Attempt}, runner {launch.RunnerName}, labels [{string.Join(",", launch.Labels)}], started {_time.GetUtcNow():O}, program {arguments[0]} ==="));
        try
        {
            var workingDirectory = Directory.Exists(_runnerDirectory) ? _runnerDirectory : Environment.CurrentDirectory;
            return job.Launch(arguments, workingDirectory, _options.Environment, log);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            await log.WriteLineAsync($"=== runnerhub: could not start: {ex.Message} ===");
            await log.DisposeAsync();
            throw;
        }
    }

    /// <summary>A program given by path must exist and be executable; a bare name is looked up on PATH by setsid.</summary>
    private static void EnsureRunnable(string program)
    {
        if (!program.Contains('/', StringComparison.Ordinal))
        {
            return;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if (!File.Exists(program) || (File.GetUnixFileMode(program) & anyExecute) == 0)
        {
            throw new JobStartException(JobStartFailure.LaunchFailed, $"The runner program {program} does not exist or is not executable (Execution:RunnerDirectory, Execution:Command).");
        }
    }
}
