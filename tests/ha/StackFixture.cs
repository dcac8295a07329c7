using System.Diagnostics;
using System.Text.Json.Nodes;
using RunnerHub.Testing;

namespace RunnerHub.HaTests;

/// <summary>
/// The whole topology, started once by <c>scripts/runnerhub up</c> in a temp state dir on free
/// ports: three orchestrators, HAProxy, Redis with Sentinels, the PostgreSQL formation, the
/// GitHub simulator and two proxy runners. On dispose it runs <c>down</c> and fails if any
/// process the stack ever had is still alive: <c>down</c> must leave nothing behind.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    private readonly HashSet<int> _seenPids = [];
    private LocalTopology? _stack;

    public LocalTopology Stack => _stack ?? throw new InvalidOperationException("fixture not started");

    public TimeSpan StartupTime { get; private set; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Uri Api => new($"http://127.0.0.1:{8080 + Stack.PortOffset}");

    public Uri Stats => new($"http://127.0.0.1:{8404 + Stack.PortOffset}/stats;csv");

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        _stack = await LocalTopology.StartAsync(only: null, TimeSpan.FromSeconds(240));
        StartupTime = clock.Elapsed;
        await StatusAsync();
    }

    /// <summary><c>status --json</c>; remembers every pid it reports, for the leak check at the end.</summary>
    public async Task<JsonObject> StatusAsync()
    {
        var status = await Stack.StatusAsync();
        foreach (var process in status["processes"]!.AsArray())
        {
            if ((int?)process!["pid"] is { } pid)
            {
                _seenPids.Add(pid);
            }
        }

        return status;
    }

    /// <summary>HAProxy's view: backend name → server name → status (UP, DOWN, MAINT...).</summary>
    public async Task<Dictionary<string, Dictionary<string, string>>> BackendServersAsync()
    {
        var csv = await Http.GetStringAsync(Stats);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var status = Array.IndexOf(header, "status");
        var result = new Dictionary<string, Dictionary<string, string>>();
        foreach (var fields in lines.Skip(1).Select(l => l.Split(',')))
        {
            if (fields[1] is "FRONTEND" or "BACKEND")
            {
                continue;
            }

            if (!result.TryGetValue(fields[0], out var servers))
            {
                result[fields[0]] = servers = [];
            }

            servers[fields[1]] = fields[status];
        }

        return result;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_stack is null)
        {
            return;
        }

        await _stack.DisposeAsync();
        var survivors = _seenPids.Where(pid => Directory.Exists($"/proc/{pid}") && !IsZombie(pid)).ToList();
        if (survivors.Count > 0)
        {
            throw new InvalidOperationException($"'runnerhub down' left processes running: {string.Join(", ", survivors.Select(Describe))}");
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z";
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            return $"{pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()})";
        }
        catch (IOException)
        {
            return pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackGroup : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
