using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.UnitTests.Storage.Postgres;

public class PostgresConnectionStringTests
{
    [Fact]
    public void TryNormalize_ReadsMultiHostUri_AsPgAutoctlPrintsIt()
    {
        var ok = PostgresConnectionString.TryNormalize(
            "postgres://runnerhub:s%40cret@127.0.0.1:5432,127.0.0.1:5433/runnerhub?target_session_attrs=read-write&sslmode=disable",
            "runnerhub-orchestrator-1",
            out var result,
            out var error);

        Assert.True(ok, error);
        var builder = new NpgsqlConnectionStringBuilder(result);
        Assert.Equal("127.0.0.1:5432,127.0.0.1:5433", builder.Host);
        Assert.Equal("runnerhub", builder.Username);
        Assert.Equal("s@cret", builder.Password);
        Assert.Equal("runnerhub", builder.Database);
        Assert.Equal("read-write", builder.TargetSessionAttributes);
        Assert.Equal(SslMode.Disable, builder.SslMode);
        Assert.Equal("runnerhub-orchestrator-1", builder.ApplicationName);
    }

    [Fact]
    public void TryNormalize_AddsFailoverDefaults_WhenNotGiven()
    {
        Assert.True(PostgresConnectionString.TryNormalize("Host=a:5432,b:5433;Database=runnerhub", null, out var result, out _));

        var builder = new NpgsqlConnectionStringBuilder(result);
        Assert.Equal(3, builder.Timeout);
        Assert.Equal(1, builder.HostRecheckSeconds);
        Assert.Equal("primary", builder.TargetSessionAttributes);
        Assert.Equal(64, builder.MaxAutoPrepare);
        Assert.Equal(50, builder.MaxPoolSize);
    }

    [Fact]
    public void TryNormalize_KeepsCallerSettings_WhenGiven()
    {
        Assert.True(PostgresConnectionString.TryNormalize(
            "Host=a,b;Timeout=9;Host Recheck Seconds=7;Target Session Attributes=prefer-primary;Application Name=mine;Max Auto Prepare=0;Maximum Pool Size=20",
            "ignored",
            out var result,
            out _));

        var builder = new NpgsqlConnectionStringBuilder(result);
        Assert.Equal(9, builder.Timeout);
        Assert.Equal(7, builder.HostRecheckSeconds);
        Assert.Equal("prefer-primary", builder.TargetSessionAttributes);
        Assert.Equal("mine", builder.ApplicationName);
        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.Equal(20, builder.MaxPoolSize);
    }

    [Fact]
    public void TryNormalize_LeavesSingleHostWithoutTargetSession()
    {
        Assert.True(PostgresConnectionString.TryNormalize("postgresql://u@localhost/db", null, out var result, out _));

        var builder = new NpgsqlConnectionStringBuilder(result);
        Assert.Equal("localhost", builder.Host);
        Assert.Null(builder.TargetSessionAttributes);
    }

    [Theory]
    [InlineData("postgres://u@h1:5432,,h2:5433/db", "empty host")]
    [InlineData("postgres://u@h1/db?fancy=1", "unsupported URI parameter 'fancy'")]
    [InlineData("Database=runnerhub", "no host")]
    [InlineData("Hots=typo", "Hots")]
    public void TryNormalize_FailsWithReason_ForBadInput(string input, string expected)
    {
        Assert.False(PostgresConnectionString.TryNormalize(input, null, out var result, out var error));

        Assert.Null(result);
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
    }
}
