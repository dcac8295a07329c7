using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.UnitTests.Storage.Postgres;

public class PostgresOptionsValidatorTests
{
    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var result = new PostgresOptionsValidator().Validate(null, new PostgresOptions { ConnectionString = "", RetryBudget = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Postgres:ConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Postgres:RetryBudget", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Succeeds_ForPgAutoctlUri()
    {
        var result = new PostgresOptionsValidator().Validate(null, new PostgresOptions
        {
            ConnectionString = "postgres://runnerhub@127.0.0.1:5432,127.0.0.1:5433/runnerhub?target_session_attrs=read-write",
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
