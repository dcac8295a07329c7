using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Scheduling;

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        if (options.Deliveries < TimeSpan.FromDays(3) || options.Deliveries > Longest)
        {
            failures.Add($"Retention:Deliveries {options.Deliveries} must be between 3 days and 10 years: GitHub may redeliver a delivery for 3 days, and a repeat must still be recognised.");
        }

        if (options.FinishedJobs < TimeSpan.FromDays(1) || options.FinishedJobs > Longest)
        {
            failures.Add($"Retention:FinishedJobs {options.FinishedJobs} must be between 1 day and 10 years.");
        }

        if (HangfireCron.Problem(options.Cron) is { } problem)
        {
            failures.Add($"Retention:Cron '{options.Cron}' is not a cron expression Hangfire accepts: {problem}");
        }

        if (options.BatchSize is < 1 or > 100_000)
        {
            failures.Add($"Retention:BatchSize {options.BatchSize} must be between 1 and 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
