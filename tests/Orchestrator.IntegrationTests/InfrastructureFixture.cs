using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests;

/// <summary>
/// Real Redis (master, replica, three Sentinels) and a real pg_auto_failover formation (monitor,
/// primary, synchronous standby), started once for the assembly on free ports in a temp
/// directory and torn down after. Without a Docker engine (this project's machines) everything
/// runs as local processes through <c>scripts/runnerhub up --only infra</c>; with one, Redis
/// and the Sentinels run as Testcontainers containers and PostgreSQL still as processes
/// (<c>--only postgres</c>: pg_auto_failover comes from Debian packages either way).
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private LocalTopology? _stack;
    private ContainerRedis? _containers;

    public LocalTopology Stack => _stack ?? throw new InvalidOperationException("fixture not started");

    public string Sentinels { get; private set; } = "";

    public string ServiceName { get; private set; } = "";

    public string RedisPassword { get; private set; } = "";

    public string PostgresUri { get; private set; } = "";

    /// <summary>The webhook secret the in-process orchestrators are configured with.</summary>
    public string WebhookSecret { get; } = $"test-secret-{Guid.NewGuid():N}";

    /// <summary>The operator token the in-process orchestrators are configured with.</summary>
    public string OperatorToken { get; } = $"test-operator-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        if (ContainerRedis.IsDockerAvailable(out var noDocker))
        {
            _stack = await LocalTopology.StartAsync("postgres", TimeSpan.FromSeconds(120));
            _containers = await ContainerRedis.StartAsync(_stack.StateDirectory, _stack.PortOffset, _stack.Secret("redis-password"));
        }
        else
        {
            await Console.Out.WriteLineAsync($"No Docker engine ({noDocker}); Redis and Sentinels run as local processes.");
            _stack = await LocalTopology.StartAsync("infra", TimeSpan.FromSeconds(120));
        }

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
        if (_containers is not null)
        {
            await _containers.DisposeAsync();
        }

        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    /// <summary>Kills a piece (for example <c>redis-master</c>, <c>pg-node-1</c>), a process or a container.</summary>
    public Task KillAsync(string piece) =>
        _containers?.Owns(piece) == true ? _containers.KillAsync(piece) : Stack.KillAsync(piece);

    /// <summary>Starts every dead piece again and waits until the infrastructure is healthy.</summary>
    public async Task RestoreAsync(TimeSpan timeout)
    {
        if (_containers is not null)
        {
            await _containers.RestartStoppedAsync();
        }

        await Stack.UpAsync(timeout);
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
            ["Webhooks:Secret"] = WebhookSecret,
            ["Operator:Token"] = OperatorToken,
            ["Runners:HeartbeatInterval"] = "00:00:00.200",
            ["Runners:OfflineAfter"] = "00:00:02",
            ["GitHub:ApiBaseUrl"] = "http://127.0.0.1:9/",
            ["GitHub:Token"] = "test-token",
            ["Dispatch:RepairAfter"] = "00:00:01",
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
