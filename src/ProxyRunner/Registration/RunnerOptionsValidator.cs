using Microsoft.Extensions.Options;
using RunnerHub.Contracts;

namespace RunnerHub.ProxyRunner.Registration;

internal sealed class RunnerOptionsValidator : IValidateOptions<RunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, RunnerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("Runner:Name is required (for example runner-1).");
        }

        if (!LabelSet.TryParse(options.Labels, out _, out var labelError))
        {
            failures.Add($"Runner:Labels is not valid: {labelError}");
        }

        if (options.Slots is < 1 or > 64)
        {
            failures.Add($"Runner:Slots {options.Slots} must be between 1 and 64.");
        }

        if (!Uri.TryCreate(options.OrchestratorUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            failures.Add($"Runner:OrchestratorUrl '{options.OrchestratorUrl}' must be an absolute http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            failures.Add("Runner:StateDirectory is required (where the runner keeps its identity and job logs).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
