using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.GitHub;

internal sealed class GitHubOptionsValidator : IValidateOptions<GitHubOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            failures.Add($"GitHub:ApiBaseUrl '{options.ApiBaseUrl}' must be an absolute http or https URL.");
        }

        var app = options.AppId is not null || !string.IsNullOrEmpty(options.PrivateKeyPath);
        if (string.IsNullOrEmpty(options.Token) && !app)
        {
            failures.Add("GitHub: give GitHub:Token, or GitHub:AppId with GitHub:PrivateKeyPath.");
        }
        else if (!string.IsNullOrEmpty(options.Token) && app)
        {
            failures.Add("GitHub: give GitHub:Token or a GitHub App (GitHub:AppId, GitHub:PrivateKeyPath), not both.");
        }
        else if (app && (options.AppId is null or <= 0 || string.IsNullOrEmpty(options.PrivateKeyPath)))
        {
            failures.Add("GitHub: a GitHub App needs both GitHub:AppId and GitHub:PrivateKeyPath.");
        }
        else if (app && !File.Exists(options.PrivateKeyPath))
        {
            failures.Add($"GitHub:PrivateKeyPath '{options.PrivateKeyPath}' does not exist.");
        }

        if (options.AttemptTimeout < TimeSpan.FromSeconds(1) || options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add("GitHub:AttemptTimeout must be at least 1 s and GitHub:TotalTimeout at least GitHub:AttemptTimeout.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
