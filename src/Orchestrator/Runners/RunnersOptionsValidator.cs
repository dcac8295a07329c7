using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Runners;

internal sealed class RunnersOptionsValidator : IValidateOptions<RunnersOptions>
{
    public ValidateOptionsResult Validate(string? name, RunnersOptions options)
    {
        var failures = new List<string>();
        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Runners:HeartbeatInterval {options.HeartbeatInterval} must be between 100 ms and 1 minute.");
        }

        if (options.OfflineAfter < options.HeartbeatInterval * 3)
        {
            failures.Add($"Runners:OfflineAfter {options.OfflineAfter} must be at least three heartbeat intervals ({options.HeartbeatInterval * 3}).");
        }

        if (options.RegistrationTokenLifetime < TimeSpan.FromMinutes(1) || options.RegistrationTokenLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"Runners:RegistrationTokenLifetime {options.RegistrationTokenLifetime} must be between 1 minute and 30 days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
