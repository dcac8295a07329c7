using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Leadership;

internal sealed class LeadershipOptionsValidator : IValidateOptions<LeadershipOptions>
{
    public ValidateOptionsResult Validate(string? name, LeadershipOptions options)
    {
        var failures = new List<string>();
        if (options.LeaseDuration < TimeSpan.FromMilliseconds(500) || options.LeaseDuration > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Leadership:LeaseDuration {options.LeaseDuration} must be between 500 ms and 5 minutes.");
        }

        if (options.RenewDeadline <= TimeSpan.Zero || options.RenewDeadline >= options.LeaseDuration)
        {
            failures.Add($"Leadership:RenewDeadline {options.RenewDeadline} must be positive and shorter than Leadership:LeaseDuration {options.LeaseDuration}, so a leader that cannot renew stops before its lease can pass to another node.");
        }

        if (options.RenewInterval < TimeSpan.FromMilliseconds(10) || options.RenewInterval * 2 > options.RenewDeadline)
        {
            failures.Add($"Leadership:RenewInterval {options.RenewInterval} must be at least 10 ms and at most half of Leadership:RenewDeadline {options.RenewDeadline}, so one lost renewal does not cost the lease.");
        }

        if (options.RetryInterval < TimeSpan.FromMilliseconds(10) || options.RetryInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Leadership:RetryInterval {options.RetryInterval} must be between 10 ms and 1 minute.");
        }

        if (options.StepDownBackoff < TimeSpan.Zero || options.StepDownBackoff > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Leadership:StepDownBackoff {options.StepDownBackoff} must be between 0 and 10 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
