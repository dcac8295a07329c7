using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// Authenticates a proxy runner by its credential (bearer header, or <c>access_token</c> on the
/// WebSocket request), looked up by hash in PostgreSQL. A removed runner's credential fails.
/// </summary>
internal sealed class RunnerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IRunnerStore runners) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Runner";
    public const string RunnerIdClaim = "runnerhub:runner_id";
    public const string LabelsClaim = "runnerhub:labels";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credential = BearerToken.From(Request);
        if (credential is null || !credential.StartsWith(Secrets.CredentialPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var runner = await runners.AuthenticateAsync(Secrets.Hash(credential), Context.RequestAborted);
        if (runner is null)
        {
            return AuthenticateResult.Fail("unknown or removed runner credential");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, runner.Name),
                new Claim(RunnerIdClaim, runner.RunnerId.ToString()),
                new Claim(LabelsClaim, runner.Labels.ToString()),
                new Claim(ClaimTypes.Role, "runner"),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
