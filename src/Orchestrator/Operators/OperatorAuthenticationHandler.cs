using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RunnerHub.Orchestrator.Runners;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Authenticates the configured operator token, compared in constant time: from
/// <c>Authorization: Bearer</c>, or, on endpoints marked with <see cref="OperatorBasicAuthentication"/>
/// (the Hangfire dashboard), as the password of <c>Authorization: Basic</c> with any user name.
/// </summary>
internal sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<OperatorOptions> operatorOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Operator";

    private bool BasicAllowed => Context.GetEndpoint()?.Metadata.GetMetadata<OperatorBasicAuthentication>() is not null;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken.FromHeader(Request) ?? (BasicAllowed ? BasicCredentials.PasswordFrom(Request) : null);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!Secrets.Matches(token, operatorOptions.Value.Token))
        {
            return Task.FromResult(AuthenticateResult.Fail("operator token does not match"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await base.HandleChallengeAsync(properties);
        if (BasicAllowed)
        {
            // Makes a browser ask for the credentials; the token goes in the password field.
            Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{OperatorBasicAuthentication.Realm}\", charset=\"UTF-8\"");
        }
    }
}
