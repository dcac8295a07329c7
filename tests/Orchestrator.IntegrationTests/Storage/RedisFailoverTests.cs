using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Storage;

[Collection(InfrastructureGroup.Name)]
public sealed class RedisFailoverTests(InfrastructureFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task Writes_ResumeOnTheNewMaster_AfterTheMasterIsKilled()
    {
        using var redis = new RedisConnection(
            Options.Create(new RedisOptions { Sentinels = infra.Sentinels, ServiceName = infra.ServiceName, Password = infra.RedisPassword }),
            Options.Create(new NodeOptions { Id = "redis-failover-test" }),
            TimeProvider.System,
            NullLogger<RedisConnection>.Instance);
        await redis.StartAsync(CancellationToken.None);
        await redis.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var key = $"test:{Guid.NewGuid():N}";
        Assert.True(await redis.GetDatabase().StringSetAsync(key, "before"));

        var oldMaster = await infra.RedisMasterAsync() ?? throw new InvalidOperationException("Sentinels disagree before the test");
        var status = await infra.Stack.StatusAsync();
        var victim = InfrastructureFixture.PieceOnPort(status, int.Parse(oldMaster.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        await infra.KillAsync(victim);

        var promoted = await Eventually.HoldsAsync(
            "the Sentinels to agree on a new master",
            async () => await infra.RedisMasterAsync() is { } m && m != oldMaster ? (true, m) : (false, $"master still {oldMaster} or no agreement"),
            TimeSpan.FromSeconds(30));
        output.WriteLine($"Sentinels promoted a new master {promoted.TotalSeconds:0.00} s after kill -9 of {victim}");

        // min-replicas-to-write 1: the new master refuses writes until it has a replica again
        // (NOREPLICAS), and that refusal must read as an outage (503), not a bug (500).
        var refused = await Record.ExceptionAsync(() => redis.GetDatabase().StringSetAsync(key, "during"));
        Assert.True(refused is not null && RedisErrors.IsOutage(refused), $"a write with no replica left: {refused?.GetType().Name}: {refused?.Message}");
        output.WriteLine($"write with no replica: {refused!.GetType().Name}: {refused.Message}");

        // The old master comes back (as a replica) and writes resume.
        await infra.RestoreAsync(TimeSpan.FromSeconds(60));
        var resumed = await Eventually.HoldsAsync(
            "a write through the Sentinel-aware connection to succeed",
            async () => (await redis.GetDatabase().StringSetAsync(key, "after"), "SET answered false"),
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(200));
        output.WriteLine($"writes resumed {clock.Elapsed.TotalSeconds:0.00} s after the kill ({resumed.TotalSeconds:0.00} s after restarting {victim})");

        Assert.Equal("after", await redis.GetDatabase().StringGetAsync(key));
        var servedBy = (System.Net.IPEndPoint?)redis.GetDatabase().IdentifyEndpoint(key);
        Assert.Equal(await infra.RedisMasterAsync(), $"{servedBy?.Address}:{servedBy?.Port}");
        Assert.NotEqual(oldMaster, $"{servedBy?.Address}:{servedBy?.Port}");
        await redis.GetDatabase().KeyDeleteAsync(key);
        await redis.StopAsync(CancellationToken.None);
    }
}
