using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Net.Http.Headers;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// The session cookie's behaviour: a page navigation without a session goes to <c>/login</c>,
/// anything else answers 401 (an API client or a script must not get an HTML login page); and
/// at most every <see cref="RecheckEvery"/> a session checks that the token it was issued for is
/// still active, so revoking a token ends its sessions within that time.
/// </summary>
internal sealed class OperatorCookieEvents(OperatorTokenVerifier verifier, TimeProvider time, ILogger<OperatorCookieEvents> logger) : CookieAuthenticationEvents
{
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromMinutes(5);

    /// <summary>Authentication property: when the session's token was last found active (round-trip "O" format).</summary>
    internal const string CheckedAtItem = "runnerhub.checked";

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (BrowserRequests.IsPageNavigation(context.Request))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        if (OperatorBasicAuthentication.AllowedOn(context.HttpContext))
        {
            context.Response.Headers.Append(HeaderNames.WWWAuthenticate, OperatorBasicAuthentication.Challenge);
        }

        return Task.CompletedTask;
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        if (context.Properties.Items.TryGetValue(CheckedAtItem, out var value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var checkedAt)
            && now - checkedAt < RecheckEvery)
        {
            return;
        }

        if (!verifier.CanCheckDatabase)
        {
            // This node is still migrating at start: do not end sessions it cannot check yet.
            return;
        }

        var name = context.Principal?.Identity?.Name ?? "?";
        var hash = OperatorIdentity.TokenHashOf(context.Principal);
        OperatorIdentity? identity;
        try
        {
            identity = hash is null ? null : await verifier.VerifyHashAsync(hash, context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // PostgreSQL out: keep the session rather than lock every operator out during an
            // outage they may be trying to watch; it is checked again on the next request.
            Log.SessionCheckFailed(logger, name, ex.Message);
            return;
        }

        if (identity is null)
        {
            Log.SessionRevoked(logger, name);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(OperatorPolicy.CookieScheme);
            return;
        }

        context.Properties.Items[CheckedAtItem] = now.ToString("O", CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }
}
