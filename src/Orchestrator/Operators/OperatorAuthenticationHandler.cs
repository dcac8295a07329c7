using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Authenticates an operator token (see <see cref="OperatorTokenVerifier"/>): from
/// <c>Authorization: Bearer</c>, or, on endpoints marked with <see cref="OperatorBasicAuthentication"/>
/// (the Hangfire dashboard), as the password of <c>Authorization: Basic</c> with any user name.
/// </summary>
internal sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OperatorTokenVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Operator";

    private bool BasicAllowed => OperatorBasicAuthentication.AllowedOn(Context);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken.FromHeader(Request) ?? (BasicAllowed ? BasicCredentials.PasswordFrom(Request) : null);
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await verifier.VerifyAsync(token, Context.RequestAborted);
        return identity is null
            ? AuthenticateResult.Fail("unknown or revoked operator token")
            : AuthenticateResult.Success(new AuthenticationTicket(identity.ToPrincipal(SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await base.HandleChallengeAsync(properties);
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        if (BasicAllowed)
        {
            // Makes a browser ask for the credentials; the token goes in the password field.
            Response.Headers.Append(HeaderNames.WWWAuthenticate, OperatorBasicAuthentication.Challenge);
        }
    }
}
