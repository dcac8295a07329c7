using System.Diagnostics;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// One job's OS process, started by <c>setsid</c> so that it leads its own session and process
/// group: one signal to the group reaches everything the job started (unless something in it
/// starts a session of its own). Owns the process, its output pumps and the kill escalation.
/// </summary>
internal sealed class JobProcess(long jobId, int attempt, string runnerName, TimeSpan killTimeout, TimeProvider time, ILogger logger)
    : IDisposable
{
    private readonly TaskCompletionSource<RunningProcess> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<JobExited?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopPumps = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private Task[] _pumps = [];
    private Task? _termination;

    public long JobId { get; } = jobId;

    public int Attempt { get; } = attempt;

    public string RunnerName { get; } = runnerName;

    /// <summary>The running job once its process is up; faults when it could not be started.</summary>
    public Task<RunningProcess> Started => _started.Task;

    /// <summary>Completes once the job has left the slot table: its exit, or null when it never started.</summary>
    public Task<JobExited?> Completion => _completion.Task;

    /// <summary>The job once announced as started; null while starting.</summary>
    public RunningProcess? Snapshot => Started.IsCompletedSuccessfully ? Started.Result : null;

    /// <summary>The process as launched, before it is announced.</summary>
    public RunningProcess? Running { get; private set; }

    public JobLog? Output { get; private set; }

    public long StartTimestamp { get; private set; }

    /// <summary>Completes when the job's own process (the group leader) has exited and been reaped.</summary>
    public Task Exited { get; private set; } = Task.CompletedTask;

    public int ExitCode => _process?.ExitCode ?? -1;

    /// <summary>Why RunnerHub ended the job, or null when it ended by itself.</summary>
    public JobExitKind? StopKind { get; private set; }

    /// <summary>Starts <paramref name="arguments"/> under <c>setsid</c>, its output into <paramref name="log"/>.</summary>
    public RunningProcess Launch(IReadOnlyList<string> arguments, string workingDirectory, IDictionary<string, string> environment, JobLog log)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        // setsid(1) calls setsid(2) and execs the program in place (no fork: a child of ours is never a group
        // leader), so the pid we get is the job's pid, process group id and session id. "--": the program name is data.
        start.ArgumentList.Add("--");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Output = log;
        var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start.");
        StartTimestamp = time.GetTimestamp();
        _process = process;
        Exited = process.WaitForExitAsync(CancellationToken.None);

        // The job gets no input: an interactive prompt must fail, not wait forever.
        process.StandardInput.Close();
        _pumps =
        [
            log.PumpAsync(process.StandardOutput.BaseStream, _stopPumps.Token),
            log.PumpAsync(process.StandardError.BaseStream, _stopPumps.Token),
        ];

        Running = new RunningProcess(JobId, Attempt, RunnerName, process.Id, time.GetUtcNow());
        return Running;
    }

    /// <summary>Announces the job as started, once its state file and event are written.</summary>
    public void MarkStarted(RunningProcess running) => _started.TrySetResult(running);

    public void FailStart(Exception exception)
    {
        _started.TrySetException(exception);
        _completion.TrySetResult(null);
    }

    public void Complete(JobExited exited) => _completion.TrySetResult(exited);

    /// <summary>
    /// Ends the job: SIGTERM to its group, SIGKILL after the kill timeout. Calling it again
    /// (cancel during shutdown) joins the first escalation; the first reason wins.
    /// </summary>
    public Task TerminateAsync(JobExitKind reason)
    {
        lock (_gate)
        {
            StopKind ??= reason;
            return _termination ??= EscalateAsync();
        }
    }

    /// <summary>After the leader exits: kills what is left of its group, then waits a little for the output to end.</summary>
    public async Task<bool> FinishAsync(TimeSpan outputGrace)
    {
        var stragglers = Running is { } running && ProcessSignals.SignalGroup(running.ProcessId, ProcessSignals.SigKill);
        try
        {
            await Task.WhenAll(_pumps).WaitAsync(outputGrace, time);
        }
        catch (TimeoutException)
        {
            // Something that left the group (its own setsid, a daemon) holds the pipes open: stop reading.
            Log.OutputNotDrained(logger, JobId, Attempt);
            await _stopPumps.CancelAsync();
            await Task.WhenAll(_pumps);
        }

        return stragglers;
    }

    private async Task EscalateAsync()
    {
        RunningProcess started;
        try
        {
            started = await Started;
        }
        catch (JobStartException)
        {
            return;
        }

        if (Exited.IsCompleted)
        {
            // Reaped already: its pid may belong to someone else by now.
            return;
        }

        Signal(started.ProcessId, ProcessSignals.SigTerm);
        try
        {
            await Exited.WaitAsync(killTimeout, time);
        }
        catch (TimeoutException)
        {
            Log.KillEscalated(logger, JobId, Attempt, started.ProcessId, killTimeout.TotalSeconds);
            Signal(started.ProcessId, ProcessSignals.SigKill);
            await Exited;
        }
    }

    private static void Signal(int processId, int signal)
    {
        // The group exists once setsid(2) ran; in the instant before, the process is still alone.
        if (!ProcessSignals.SignalGroup(processId, signal))
        {
            ProcessSignals.SignalProcess(processId, signal);
        }
    }

    public void Dispose()
    {
        _process?.Dispose();
        _stopPumps.Dispose();
    }
}
