using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace RunnerHub.Testing;

/// <summary>
/// A local stack started by <c>scripts/runnerhub</c> in its own state directory and port range:
/// the deployed configuration is the tested configuration. Tests read topology from
/// <c>status --json</c> and kill pieces by pid like an operator (or a chaos script) would.
/// </summary>
public sealed class LocalTopology : IAsyncDisposable
{
    private LocalTopology(string stateDirectory, int portOffset, string? only)
    {
        StateDirectory = stateDirectory;
        PortOffset = portOffset;
        Only = only;
    }

    public string StateDirectory { get; }

    public int PortOffset { get; }

    /// <summary>What <c>up --only</c> starts: <c>infra</c>, <c>postgres</c>, or null for the whole stack.</summary>
    public string? Only { get; }

    /// <summary>
    /// Starts a stack in a fresh temp directory on free ports: the whole stack (<paramref name="only"/>
    /// null), Redis, Sentinels and PostgreSQL (<c>infra</c>), or the PostgreSQL formation (<c>postgres</c>).
    /// </summary>
    public static async Task<LocalTopology> StartAsync(string? only, TimeSpan timeout)
    {
        try
        {
            return await StartOnceAsync(only, timeout);
        }
        catch (InvalidOperationException first)
        {
            // One more try in a new directory on new ports: a port taken between the check and
            // the bind must not fail every test that shares the stack. A real defect fails twice,
            // and both reasons are kept.
            Console.Error.WriteLine($"scripts/runnerhub up failed; trying once more on other ports. The first failure: {first.Message}");
            try
            {
                return await StartOnceAsync(only, timeout);
            }
            catch (InvalidOperationException second)
            {
                throw new InvalidOperationException($"{second.Message}\n\nThe first try failed too: {first.Message}", second);
            }
        }
    }

    private static async Task<LocalTopology> StartOnceAsync(string? only, TimeSpan timeout)
    {
        var state = Path.Combine(Path.GetTempPath(), $"runnerhub-test-{Guid.NewGuid():N}"[..28]);
        var stack = new LocalTopology(state, PortOffsets.FindFree(), only);
        try
        {
            await stack.UpAsync(timeout);
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }

        return stack;
    }

    /// <summary>Runs <c>up</c> again: starts whatever is dead, leaves what runs alone.</summary>
    public async Task UpAsync(TimeSpan timeout)
    {
        var args = new List<string> { "up", "--timeout", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Only is not null)
        {
            args.AddRange(["--only", Only]);
        }

        await RunScriptAsync(args, timeout + TimeSpan.FromMinutes(3));
    }

    /// <summary><c>status --json</c>, parsed.</summary>
    public async Task<JsonObject> StatusAsync()
    {
        var output = await RunScriptAsync(["status", "--json"], TimeSpan.FromSeconds(60), allowExitCodes: [0, 3]);
        return JsonNode.Parse(output)?.AsObject() ?? throw new InvalidOperationException("status --json printed nothing");
    }

    /// <summary>The pid of a piece (for example <c>redis-master</c>, <c>pg-node-1</c>), or null when it is not running.</summary>
    public async Task<int?> PidOfAsync(string piece)
    {
        var status = await StatusAsync();
        var process = status["processes"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == piece)
            ?? throw new ArgumentException($"no piece named {piece} in status --json", nameof(piece));
        return (bool?)process["alive"] == true ? (int?)process["pid"] : null;
    }

    /// <summary>Sends a signal (for example <c>STOP</c>, <c>CONT</c>, <c>KILL</c>) to a piece's whole process group and returns its pid at once.</summary>
    public async Task<int> SignalAsync(string piece, string signal)
    {
        var pid = await PidOfAsync(piece) ?? throw new InvalidOperationException($"{piece} is not running");
        await RunAsync("kill", [$"-{signal}", "--", $"-{pid}"], TimeSpan.FromSeconds(10), allowExitCodes: [0, 1]);
        return pid;
    }

    /// <summary>Sends SIGKILL to a piece's whole process group, as <c>kill -9</c> would, and waits until it is gone.</summary>
    public async Task KillAsync(string piece)
    {
        var pid = await SignalAsync(piece, "KILL");
        await Eventually.HoldsAsync(
            $"{piece} (pid {pid}) to exit",
            () => Task.FromResult((!Directory.Exists($"/proc/{pid}"), $"/proc/{pid} still exists")),
            TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// Kills a piece and every process it started, even those in sessions of their own (a proxy
    /// runner's jobs), as losing its machine would: freezes the tree with SIGSTOP until no new
    /// process appears, then SIGKILLs all of it and waits until every process is gone.
    /// </summary>
    public async Task KillWithDescendantsAsync(string piece)
    {
        var pid = await PidOfAsync(piece) ?? throw new InvalidOperationException($"{piece} is not running");
        var frozen = new HashSet<int>();
        for (var round = 0; round < 10; round++)
        {
            var fresh = ProcessTree(pid).Except(frozen).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            await RunAsync("kill", ["-STOP", .. fresh.Select(Invariant)], TimeSpan.FromSeconds(10), allowExitCodes: [0, 1]);
            frozen.UnionWith(fresh);
        }

        await RunAsync("kill", ["-KILL", .. frozen.Select(Invariant)], TimeSpan.FromSeconds(10), allowExitCodes: [0, 1]);
        await Eventually.HoldsAsync(
            $"{piece} (pid {pid}) and its {frozen.Count - 1} descendants to exit",
            () =>
            {
                var left = frozen.Where(p => Directory.Exists($"/proc/{p}") && !IsZombie(p)).ToList();
                return Task.FromResult((left.Count == 0, $"still there: {string.Join(", ", left)}"));
            },
            TimeSpan.FromSeconds(15));
    }

    /// <summary>A process and all its descendants, from the parent pids in <c>/proc/*/stat</c>.</summary>
    public static IReadOnlyCollection<int> ProcessTree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        var tree = new HashSet<int> { root };
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid, []))
            {
                if (tree.Add(child))
                {
                    pending.Enqueue(child);
                }
            }
        }

        return tree;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A secret the stack generated, for example <c>redis-password</c>.</summary>
    public string Secret(string name) => File.ReadAllText(Path.Combine(StateDirectory, "secrets", name)).Trim();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunScriptAsync(["down", "--purge"], TimeSpan.FromMinutes(2));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Best effort: the stack may never have come up. Say so rather than hide it.
            await Console.Error.WriteLineAsync($"runnerhub down failed for {StateDirectory}: {ex.Message}");
        }
    }

    /// <summary>
    /// Runs another script of the repository (for example <c>scripts/ha-gate</c>) against this
    /// stack (its state dir and port offset are appended) and returns its exit code and output:
    /// standard output, then standard error (where the scripts' warnings and errors go) when it
    /// printed anything.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunToolAsync(string relativePath, IEnumerable<string> args, TimeSpan timeout)
    {
        var exitCode = 0;
        var output = await RunAsync(
            Path.Combine(Repository.Root, relativePath),
            [.. args, "--state-dir", StateDirectory, "--port-offset", PortOffset.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            timeout,
            allowExitCodes: [.. Enumerable.Range(0, 256)],
            code => exitCode = code,
            withStderr: true);
        return (exitCode, output);
    }

    private Task<string> RunScriptAsync(IEnumerable<string> args, TimeSpan timeout, int[]? allowExitCodes = null) =>
        RunAsync(
            Repository.StackScript,
            [.. args, "--state-dir", StateDirectory, "--port-offset", PortOffset.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            timeout,
            allowExitCodes ?? [0]);

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, int[] allowExitCodes, Action<int>? exited = null, bool withStderr = false)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Not interactive: no colours in the output the tests read.
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.\n{stdout}\n{stderr}");
        }

        process.WaitForExit();
        exited?.Invoke(process.ExitCode);
        if (!allowExitCodes.Contains(process.ExitCode))
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}.\nstderr:\n{stderr}\nstdout:\n{stdout}");
        }

        return withStderr && stderr.Length > 0 ? $"{stdout}stderr:\n{stderr}" : stdout.ToString();
    }
}
