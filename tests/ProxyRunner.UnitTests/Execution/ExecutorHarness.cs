using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RunnerHub.ProxyRunner.Execution;
using RunnerHub.ProxyRunner.Registration;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

/// <summary>
/// A temporary state and runner directory, a <see cref="JobExecutor"/> over them with real
/// processes, and a logger that keeps every line so tests can prove the JIT config never shows.
/// Disposing kills whatever the test left running and deletes the directory.
/// </summary>
internal sealed class ExecutorHarness : IAsyncDisposable
{
    private readonly List<ExecutionEvent> _seen = [];
    private readonly List<int> _groups = [];

    public ExecutorHarness(int slots = 1, TimeSpan? killTimeout = null, string? command = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "runnerhub-execution-" + Guid.NewGuid().ToString("N"));
        RunnerDirectory = Path.Combine(Root, "actions-runner");
        Directory.CreateDirectory(RunnerDirectory);
        Options = new ExecutionOptions
        {
            RunnerDirectory = RunnerDirectory,
            KillTimeout = killTimeout ?? TimeSpan.FromSeconds(5),
        };
        if (command is not null)
        {
            Options.Command = command;
        }

        Options.Environment["TEST_ROOT"] = Root;
        Runner = new RunnerOptions { Name = "proxy-1", StateDirectory = Path.Combine(Root, "state"), Slots = slots };
        Executor = new JobExecutor(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(Runner), TimeProvider.System, Logger);
    }

    public string Root { get; }

    public string RunnerDirectory { get; }

    public ExecutionOptions Options { get; }

    public RunnerOptions Runner { get; }

    public ListLogger<JobExecutor> Logger { get; } = new();

    public JobExecutor Executor { get; }

    public IReadOnlyList<ExecutionEvent> Seen => _seen;

    /// <summary>Writes an executable <c>/bin/sh</c> script into the runner directory.</summary>
    public string WriteScript(string name, string body)
    {
        var path = Path.Combine(RunnerDirectory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public string InRoot(string name) => Path.Combine(Root, name);

    public static JobLaunch Launch(long jobId, string jitConfig = "jit-secret-value", int attempt = 1) =>
        new(jobId, attempt, $"rh-{jobId}-{attempt}", jitConfig, ["self-hosted", "linux"]);

    /// <summary>Reads events until the exit of the given job arrives, or throws after <paramref name="timeout"/> with what was seen.</summary>
    public async Task<JobExited> ExitOfAsync(long jobId, int attempt = 1, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                if (_seen.OfType<JobExited>().FirstOrDefault(e => e.JobId == jobId && e.Attempt == attempt) is { } seen)
                {
                    return seen;
                }

                _seen.Add(await Executor.Events.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No exit of job {jobId} attempt {attempt}; events seen: [{string.Join("; ", _seen)}]");
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task<TimeSpan> UntilAsync(string what, Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"Timed out after {clock.Elapsed.TotalSeconds:0.0} s waiting for {what}.");
            }

            await Task.Delay(20);
        }

        return clock.Elapsed;
    }

    public static bool IsAlive(int pid) => ProcStat.Read(pid) is { IsAlive: true };

    public static int ReadPid(string path) => int.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Kills the process group when the test ends, passed or failed.</summary>
    public void KillGroupAtEnd(int processGroupId) => _groups.Add(processGroupId);

    public async ValueTask DisposeAsync()
    {
        await Executor.DisposeAsync();
        foreach (var group in _groups)
        {
            ProcessSignals.SignalGroup(group, ProcessSignals.SigKill);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process outside the executor's reach still writes there; the temp dir is left behind.
        }
    }
}
