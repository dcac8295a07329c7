using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.Redis;

namespace RunnerHub.Testing;

/// <summary>
/// Redis master, replica and three Sentinels as Docker containers, for machines with a Docker
/// engine. Same ports and the same configuration as <c>scripts/runnerhub</c> (rendered from the
/// repository's <c>redis/</c> and <c>sentinel/</c> templates), with host networking, so the
/// tests see exactly the addresses they would see with local processes.
/// </summary>
public sealed class ContainerRedis : IAsyncDisposable
{
    /// <summary>The image; Debian 12 ships Redis 7.0, so the containers run the same major version.</summary>
    public const string Image = "redis:7.0";

    private const int Quorum = 2;
    private const int DownAfterMs = 1000;
    private const int FailoverTimeoutMs = 10000;

    private readonly Dictionary<string, IContainer> _containers = [];

    private ContainerRedis()
    {
    }

    /// <summary>
    /// True when a Docker engine answers. Testcontainers throws <c>DockerUnavailableException</c>
    /// from <c>Build()</c> when none does (as on this project's CI machines).
    /// </summary>
    public static bool IsDockerAvailable(out string? reason)
    {
        try
        {
            _ = new RedisBuilder(Image).Build();
            reason = null;
            return true;
        }
        catch (DockerUnavailableException ex)
        {
            reason = ex.Message;
            return false;
        }
    }

    /// <summary>Starts the five containers on the stack's ports (base + <paramref name="portOffset"/>).</summary>
    public static async Task<ContainerRedis> StartAsync(string stateDirectory, int portOffset, string password)
    {
        var redis = new ContainerRedis();
        try
        {
            var masterPort = 6379 + portOffset;
            await redis.StartPieceAsync(stateDirectory, "redis-master", "redis.conf.tmpl", masterPort, password, "");
            await redis.StartPieceAsync(stateDirectory, "redis-replica", "redis.conf.tmpl", 6380 + portOffset, password, $"replicaof 127.0.0.1 {masterPort}");
            for (var i = 1; i <= 3; i++)
            {
                await redis.StartPieceAsync(stateDirectory, $"sentinel-{i}", "sentinel.conf.tmpl", 26378 + i + portOffset, password, "", masterPort);
            }
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        return redis;
    }

    /// <summary>True when <paramref name="piece"/> (for example <c>redis-master</c>) is one of these containers.</summary>
    public bool Owns(string piece) => _containers.ContainsKey(piece);

    /// <summary>Stops a piece's container (docker stop: SIGTERM, then SIGKILL).</summary>
    public Task KillAsync(string piece) => _containers[piece].StopAsync();

    /// <summary>Starts again every container that was stopped, like <c>scripts/runnerhub up</c> restarts dead pieces.</summary>
    public async Task RestartStoppedAsync()
    {
        foreach (var container in _containers.Values.Where(c => c.State != TestcontainersStates.Running))
        {
            await container.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers.Values)
        {
            await container.DisposeAsync();
        }

        _containers.Clear();
    }

    private async Task StartPieceAsync(string stateDirectory, string name, string template, int port, string password, string replicaOf, int masterPort = 0)
    {
        var sentinel = template.StartsWith("sentinel", StringComparison.Ordinal);
        var dir = Path.Combine(stateDirectory, "containers", name);
        Directory.CreateDirectory(dir);

        // The image's entrypoint drops to the redis user: let it write its AOF and rewrite its config here.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        var config = Path.Combine(dir, sentinel ? "sentinel.conf" : "redis.conf");
        var text = await File.ReadAllTextAsync(Path.Combine(Repository.Root, sentinel ? "sentinel" : "redis", template));
        var values = new Dictionary<string, string>
        {
            ["NAME"] = name,
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DIR"] = dir,
            ["PASSWORD"] = password,
            ["REPLICAOF"] = replicaOf,
            ["SERVICE_NAME"] = "runnerhub",
            ["MASTER_PORT"] = masterPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QUORUM"] = Quorum.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DOWN_AFTER_MS"] = DownAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FAILOVER_TIMEOUT_MS"] = FailoverTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(config, text);
        File.SetUnixFileMode(config, (UnixFileMode)0b110_110_110);

        var container = new ContainerBuilder(Image)
            .WithName($"runnerhub-test-{port}")
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new Docker.DotNet.Models.HostConfig();
                p.HostConfig.NetworkMode = "host";
            })
            .WithBindMount(dir, dir)
            .WithCommand(sentinel ? "redis-sentinel" : "redis-server", config)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged(sentinel ? "Sentinel ID is" : "Ready to accept connections"))
            .Build();
        _containers[name] = container;
        await container.StartAsync();
    }
}
