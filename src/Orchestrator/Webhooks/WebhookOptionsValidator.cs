using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Webhooks;

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    internal const int MinSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Secret))
        {
            failures.Add("Webhooks:Secret is required: without it no delivery can be verified, so the node refuses to start.");
        }
        else if (options.Secret.Length < MinSecretLength)
        {
            failures.Add($"Webhooks:Secret must be at least {MinSecretLength} characters.");
        }

        failures.AddRange(RepositoryAllowList.Parse(options.AllowedRepositories).Errors
            .Select(e => $"Webhooks:AllowedRepositories: {e}"));

        if (options.MaxBodyBytes is < 1024 or > 100 * 1024 * 1024)
        {
            failures.Add($"Webhooks:MaxBodyBytes {options.MaxBodyBytes} must be between 1 KiB and 100 MiB.");
        }

        if (options.RequestTimeout < TimeSpan.FromMilliseconds(100) || options.RequestTimeout > TimeSpan.FromSeconds(9))
        {
            failures.Add($"Webhooks:RequestTimeout {options.RequestTimeout} must be between 100 ms and 9 s (GitHub gives up after 10 s).");
        }

        if (options.EnqueueTimeout < TimeSpan.FromMilliseconds(10) || options.EnqueueTimeout > TimeSpan.FromSeconds(2))
        {
            failures.Add($"Webhooks:EnqueueTimeout {options.EnqueueTimeout} must be between 10 ms and 2 s (the pointer is an index; the reconciler repairs it).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
