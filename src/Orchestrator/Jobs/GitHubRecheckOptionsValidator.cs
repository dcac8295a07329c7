using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Jobs;

internal sealed class GitHubRecheckOptionsValidator : IValidateOptions<GitHubRecheckOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubRecheckOptions options)
    {
        var failures = new List<string>();
        if (options.After < TimeSpan.FromSeconds(1) || options.After > TimeSpan.FromDays(7))
        {
            failures.Add($"GitHubRecheck:After {options.After} must be between 1 s and 7 days.");
        }

        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            failures.Add($"GitHubRecheck:Interval {options.Interval} must be between 1 s and 1 hour.");
        }

        if (options.AfterRebounds is < 1 or > 10_000)
        {
            failures.Add($"GitHubRecheck:AfterRebounds {options.AfterRebounds} must be between 1 and 10000.");
        }

        if (options.Batch is < 1 or > 1000)
        {
            failures.Add($"GitHubRecheck:Batch {options.Batch} must be between 1 and 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
