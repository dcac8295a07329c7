using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Storage.Postgres;

internal sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Postgres:ConnectionString is required (a postgres:// multi-host URI or an Npgsql connection string).");
        }
        else if (!PostgresConnectionString.TryNormalize(options.ConnectionString, applicationName: null, out _, out var error))
        {
            failures.Add($"Postgres:ConnectionString is not valid: {error}");
        }

        if (options.RetryBudget < TimeSpan.FromSeconds(1) || options.RetryBudget > TimeSpan.FromMinutes(2))
        {
            failures.Add($"Postgres:RetryBudget {options.RetryBudget} must be between 1 s and 2 minutes.");
        }

        if (options.ReadinessGrace < TimeSpan.Zero || options.ReadinessGrace > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Postgres:ReadinessGrace {options.ReadinessGrace} must be between 0 and 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
