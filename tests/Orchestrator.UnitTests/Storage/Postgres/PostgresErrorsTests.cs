using Npgsql;
using Polly.Timeout;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.UnitTests.Storage.Postgres;

public class PostgresErrorsTests
{
    [Theory]
    [InlineData("25006", true)] // read-only transaction: we reached a demoted primary
    [InlineData("57P01", true)] // admin shutdown
    [InlineData("08006", true)] // connection failure
    [InlineData("40001", true)] // serialization failure
    [InlineData("42601", false)] // syntax error
    [InlineData("23505", false)] // unique violation: a real answer, not an outage
    public void IsTransient_FollowsSqlState(string sqlState, bool expected)
    {
        var error = new PostgresException("msg", "ERROR", "ERROR", sqlState);

        Assert.Equal(expected, PostgresErrors.IsTransient(error));
    }

    [Fact]
    public void IsTransient_IsTrue_ForConnectionLevelFailures()
    {
        Assert.True(PostgresErrors.IsTransient(new NpgsqlException("No suitable host was found.")));
        Assert.True(PostgresErrors.IsTransient(new TimeoutException()));
        Assert.False(PostgresErrors.IsTransient(new InvalidOperationException()));
    }

    [Fact]
    public void IsOutage_IncludesRetryBudgetExhausted()
    {
        Assert.True(PostgresErrors.IsOutage(new TimeoutRejectedException()));
        Assert.False(PostgresErrors.IsOutage(new ArgumentException("bug")));
    }

    [Fact]
    public void MeansPrimaryMoved_OnlyForDemotionAndShutdown()
    {
        Assert.True(PostgresErrors.MeansPrimaryMoved(new PostgresException("m", "ERROR", "ERROR", "25006")));
        Assert.True(PostgresErrors.MeansPrimaryMoved(new PostgresException("m", "FATAL", "FATAL", "57P01")));
        Assert.False(PostgresErrors.MeansPrimaryMoved(new PostgresException("m", "ERROR", "ERROR", "08006")));
        Assert.False(PostgresErrors.MeansPrimaryMoved(new NpgsqlException("refused")));
    }
}
