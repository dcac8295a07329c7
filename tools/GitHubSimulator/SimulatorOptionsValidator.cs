using Microsoft.Extensions.Options;

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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
