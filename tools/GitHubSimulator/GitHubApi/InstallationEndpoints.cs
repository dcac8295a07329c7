using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator.Payloads;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>
/// GitHub App installation calls: find the installation of a repository or organization, and
/// (authenticated as the App with a JWT) get an installation access token.
/// </summary>
internal static class InstallationEndpoints
{
    private const string Docs = "https://docs.github.com/rest/apps/apps";

    private static readonly IReadOnlyDictionary<string, string> Permissions = new Dictionary<string, string>
    {
        ["actions"] = "read",
        ["administration"] = "write",
        ["metadata"] = "read",
        ["organization_self_hosted_runners"] = "write",
    };

    public static RouteGroupBuilder MapInstallationApi(this RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}/installation", (string owner, IOptions<SimulatorOptions> options, TimeProvider time) => Installation(owner, options.Value, time));
        api.MapGet("/orgs/{org}/installation", (string org, IOptions<SimulatorOptions> options, TimeProvider time) => Installation(org, options.Value, time));
        api.MapGet("/app/installations/{installationId:long}", GetInstallation).WithMetadata(RequiresAppJwt.Instance);
        api.MapPost("/app/installations/{installationId:long}/access_tokens", CreateAccessToken).WithMetadata(RequiresAppJwt.Instance);
        return api;
    }

    internal static Results<JsonHttpResult<InstallationView>, JsonHttpResult<GitHubError>> GetInstallation(long installationId, IOptions<SimulatorOptions> options, TimeProvider time) =>
        installationId == options.Value.InstallationId ? Installation("octo-org", options.Value, time) : ApiResults.NotFound(Docs);

    internal static Results<JsonHttpResult<AccessTokenView>, JsonHttpResult<GitHubError>> CreateAccessToken(
        long installationId, IOptions<SimulatorOptions> options, InstallationTokens tokens, ILogger<ApiGateFilter> logger)
    {
        if (installationId != options.Value.InstallationId)
        {
            return ApiResults.NotFound(Docs);
        }

        Log.TokenIssued(logger, installationId);
        var (token, expiresAt) = tokens.Issue(installationId);
        return ApiResults.Json(new AccessTokenView(token, GitHubJson.Timestamp(expiresAt), Permissions, "all"), StatusCodes.Status201Created);
    }

    /// <summary><c>GET /_simulator/installation-tokens</c>: the tokens issued and the calls each authenticated, for tests.</summary>
    internal static Ok<InstallationTokensView> ListIssued(InstallationTokens tokens, AppJwtVerifier jwt)
    {
        var issued = tokens.Snapshot();
        return TypedResults.Ok(new InstallationTokensView(issued.Count, jwt.Verifies, issued));
    }

    private static JsonHttpResult<InstallationView> Installation(string account, SimulatorOptions options, TimeProvider time)
    {
        var now = GitHubJson.Timestamp(time.GetUtcNow());
        return ApiResults.Json(new InstallationView(
            options.InstallationId,
            new InstallationAccountView(account, 1, "Organization"),
            options.AppId,
            "runnerhub",
            1,
            "Organization",
            Permissions,
            ["workflow_job"],
            "all",
            now,
            now));
    }
}
