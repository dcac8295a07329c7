using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator.GitHubApi;

namespace RunnerHub.GitHubSimulator;

internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            failures.Add($"Simulator:WebhookUrl '{options.WebhookUrl}' must be an absolute http or https URL.");
        }

        if (string.IsNullOrEmpty(options.WebhookSecret))
        {
            failures.Add("Simulator:WebhookSecret is required: GitHub signs every webhook, and so does the simulator.");
        }

        RequireRange(failures, "DeliveryTimeout", options.DeliveryTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        RequireRange(failures, "ReorderWindow", options.ReorderWindow, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        RequireRange(failures, "RunnerJobWait", options.RunnerJobWait, TimeSpan.Zero, TimeSpan.FromHours(24));
        RequireRange(failures, "DeliveryConcurrency", options.DeliveryConcurrency, 1, 1024);
        RequireRange(failures, "ApiRateLimit", options.ApiRateLimit, 1, 1_000_000);
        RequireRange(failures, "MaxJobs", options.MaxJobs, 1, 10_000_000);
        RequireRange(failures, "InstallationId", options.InstallationId, 1, long.MaxValue);
        RequireRange(failures, "AppId", options.AppId, 1, long.MaxValue);
        if (!string.IsNullOrEmpty(options.AppPublicKeyPath) && !AppJwtVerifier.TryLoadKey(options.AppPublicKeyPath, out _, out var keyProblem))
        {
            failures.Add($"Simulator:AppPublicKeyPath {keyProblem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireRange<T>(List<string> failures, string key, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            failures.Add($"Simulator:{key} is {value}; it must be between {min} and {max}.");
        }
    }
}
