using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Scheduling;

internal sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var failures = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(200) || options.PollInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Scheduling:PollInterval {options.PollInterval} must be between 200 ms and 5 minutes.");
        }

        if (options.Workers is < 1 or > 100)
        {
            failures.Add($"Scheduling:Workers {options.Workers} must be between 1 and 100.");
        }

        if (options.LeaderWorkers is < 1 or > 20)
        {
            failures.Add($"Scheduling:LeaderWorkers {options.LeaderWorkers} must be between 1 and 20.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
