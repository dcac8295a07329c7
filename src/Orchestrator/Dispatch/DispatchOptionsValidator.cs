using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Dispatch;

internal sealed class DispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        var failures = new List<string>();
        if (options.Lease < TimeSpan.FromSeconds(1) || options.Lease > TimeSpan.FromHours(1))
        {
            failures.Add($"Dispatch:Lease {options.Lease} must be between 1 s and 1 hour.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"Dispatch:MaxAttempts {options.MaxAttempts} must be between 1 and 100.");
        }

        if (options.AckTimeout < TimeSpan.FromMilliseconds(100) || options.AckTimeout >= options.Lease)
        {
            failures.Add($"Dispatch:AckTimeout {options.AckTimeout} must be at least 100 ms and shorter than Dispatch:Lease.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Dispatch:PollInterval {options.PollInterval} must be between 10 ms and 1 minute.");
        }

        if (options.RepairAfter < TimeSpan.FromMilliseconds(100) || options.RepairAfter > TimeSpan.FromHours(1))
        {
            failures.Add($"Dispatch:RepairAfter {options.RepairAfter} must be between 100 ms and 1 hour.");
        }

        if (options.ReconcileInterval < TimeSpan.FromSeconds(1) || options.ReconcileInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"Dispatch:ReconcileInterval {options.ReconcileInterval} must be between 1 s and 1 hour.");
        }

        if (options.UnusedRunnerTimeout < TimeSpan.FromSeconds(30) || options.UnusedRunnerTimeout > TimeSpan.FromDays(1) || options.UnusedRunnerTimeout <= options.AckTimeout)
        {
            failures.Add($"Dispatch:UnusedRunnerTimeout {options.UnusedRunnerTimeout} must be between 30 s and 1 day and longer than Dispatch:AckTimeout.");
        }

        if (options.ExitGrace < TimeSpan.Zero || options.ExitGrace > TimeSpan.FromHours(1))
        {
            failures.Add($"Dispatch:ExitGrace {options.ExitGrace} must be between 0 and 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
