using RunnerHub.Orchestrator.Storage.Redis;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.UnitTests.Storage.Redis;

public class RedisErrorsTests
{
    [Theory]
    [InlineData(RedisErrorKind.NoReplicas, true)] // a promoted master without its replica back
    [InlineData(RedisErrorKind.ReadOnly, true)] // we reached a replica mid-failover
    [InlineData(RedisErrorKind.Loading, true)]
    [InlineData(RedisErrorKind.MasterDown, true)]
    [InlineData(RedisErrorKind.WrongType, false)]
    [InlineData(RedisErrorKind.UnknownCommand, false)]
    [InlineData(RedisErrorKind.WrongPass, false)]
    public void IsOutage_FollowsTheServerErrorKind(RedisErrorKind kind, bool expected)
    {
        Assert.Equal(expected, RedisErrors.IsOutage(new RedisServerException(kind, CommandFlags.None, kind.ToString())));
    }

    [Fact]
    public void IsOutage_IsTrue_ForConnectionFailuresAndNoConnectionYet()
    {
        Assert.True(RedisErrors.IsOutage(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null!, CommandStatus.Unknown)));
        Assert.True(RedisErrors.IsOutage(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent)));
        Assert.True(RedisErrors.IsOutage(new RedisUnavailableException()));
        Assert.False(RedisErrors.IsOutage(new InvalidOperationException()));
    }
}
