using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.UnitTests.Storage.Redis;

public class RedisOptionsTests
{
    [Fact]
    public void Validate_ReportsEveryBadSentinelAndSetting()
    {
        var options = new RedisOptions
        {
            Sentinels = "127.0.0.1:26379, nohostport ,127.0.0.1:99999",
            ServiceName = " ",
            KeyPrefix = "",
        };

        var result = new RedisOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.Contains("'nohostport'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'127.0.0.1:99999'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Redis:ServiceName", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Redis:KeyPrefix", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RequiresSentinels()
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions());

        Assert.Contains(result.Failures!, f => f.Contains("Redis:Sentinels is required", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateConfiguration_PointsAtSentinels_WithServiceNameAndNoAbort()
    {
        var options = new RedisOptions { Sentinels = "127.0.0.1:26379,127.0.0.1:26380", ServiceName = "runnerhub", Password = "pw" };

        var configuration = RedisConnection.CreateConfiguration(options, "orchestrator-1");

        Assert.Equal("runnerhub", configuration.ServiceName);
        Assert.False(configuration.AbortOnConnectFail);
        Assert.Equal("pw", configuration.Password);
        Assert.Equal("orchestrator-1", configuration.ClientName);
        Assert.Equal(["127.0.0.1:26379", "127.0.0.1:26380"], configuration.EndPoints.Select(e => e.ToString()));
    }
}
