namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>Endpoint metadata: the call authenticates as the GitHub App (a JWT), not with an installation or personal token.</summary>
internal sealed class RequiresAppJwt
{
    public static RequiresAppJwt Instance { get; } = new();
}
