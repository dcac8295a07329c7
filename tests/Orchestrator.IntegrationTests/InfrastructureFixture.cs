using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests;

/// <summary>
/// Real Redis (master, replica, three Sentinels) and a real pg_auto_failover formation (monitor,
/// primary, synchronous standby), started once for the assembly by <c>scripts/runnerhub up
/// --only infra</c> on free ports in a temp directory, and torn down after.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private LocalTopology? _stack;

    public LocalTopology Stack => _stack ?? throw new InvalidOperationException("fixture not started");

    public string Sentinels { get; private set; } = "";

    public string ServiceName { get; private set; } = "";

    public string RedisPassword { get; private set; } = "";

    public string PostgresUri { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _stack = await LocalTopology.StartAsync(infraOnly: true, TimeSpan.FromSeconds(120));
        var status = await _stack.StatusAsync();
        var connection = status["connection"]!;
        Sentinels = (string)connection["redis"]!["sentinels"]!;
        ServiceName = (string)connection["redis"]!["serviceName"]!;
        RedisPassword = _stack.Secret("redis-password");
        // status --json names the password file rather than printing the secret.
        var password = (await File.ReadAllTextAsync((string)connection["postgres"]!["passwordFile"]!)).Trim();
        PostgresUri = ((string)connection["postgres"]!["uri"]!).Replace("://runnerhub@", $"://runnerhub:{Uri.EscapeDataString(password)}@", StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    /// <summary>Configuration as the stack script gives an orchestrator, with overrides.</summary>
    public IConfiguration Configuration(string nodeId, IDictionary<string, string?>? overrides = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Node:Id"] = nodeId,
            ["Redis:Sentinels"] = Sentinels,
            ["Redis:ServiceName"] = ServiceName,
            ["Redis:Password"] = RedisPassword,
            ["Postgres:ConnectionString"] = PostgresUri,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>The stack piece (for example <c>redis-master</c>) listening on <paramref name="port"/>.</summary>
    public static string PieceOnPort(JsonObject status, int port) =>
        (string?)status["processes"]!.AsArray().FirstOrDefault(p => (int?)p!["port"] == port)?["name"]
        ?? throw new InvalidOperationException($"no stack piece on port {port}: {status["processes"]}");

    /// <summary>The Redis master as the Sentinels agree on it, or null while they disagree or do not answer.</summary>
    public async Task<string?> RedisMasterAsync()
    {
        var status = await Stack.StatusAsync();
        var masters = status["redis"]!["masterBySentinel"]!.AsObject().Select(kv => (string?)kv.Value).ToList();
        return masters.Count > 0 && masters.All(m => m is not null && m == masters[0]) ? masters[0] : null;
    }

    /// <summary>The port of the node the pg_auto_failover monitor has assigned the primary role.</summary>
    public async Task<int?> PostgresPrimaryPortAsync()
    {
        var status = await Stack.StatusAsync();
        return status["postgres"]!["nodes"]!.AsArray()
            .Where(n => (string?)n!["assignedState"] is "primary" or "wait_primary" or "single")
            .Select(n => (int?)n!["port"])
            .FirstOrDefault();
    }
}

[CollectionDefinition(Name)]
public sealed class InfrastructureGroup : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}
