using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Node;

internal sealed partial class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Id))
        {
            failures.Add("Node:Id is required (for example orchestrator-1).");
        }
        else if (!NodeIdPattern().IsMatch(options.Id))
        {
            failures.Add($"Node:Id '{options.Id}' must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit.");
        }

        if (!string.IsNullOrEmpty(options.AdvertisedUrl)
            && (!Uri.TryCreate(options.AdvertisedUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            failures.Add($"Node:AdvertisedUrl '{options.AdvertisedUrl}' must be an absolute http or https URL.");
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Node:HeartbeatInterval {options.HeartbeatInterval} must be between 100 ms and 1 minute.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex NodeIdPattern();
}
