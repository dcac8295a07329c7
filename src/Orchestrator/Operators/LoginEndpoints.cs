using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// <c>GET /login</c> (the sign-in page), <c>POST /login</c> (form fields <c>token</c> and
/// <c>returnUrl</c>: sets the session cookie) and <c>POST /logout</c>. All three are open. Both
/// POSTs refuse cross-site requests (<see cref="BrowserRequests.IsCrossSite"/>) instead of
/// using antiforgery tokens; the cookie is SameSite=Strict besides.
/// </summary>
internal static class LoginEndpoints
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    public static WebApplication MapOperatorLogin(this WebApplication app)
    {
        app.MapGet(LoginPath, GetLoginPage).AllowAnonymous();
        app.MapPost(LoginPath, SignInAsync).AllowAnonymous().DisableAntiforgery();
        app.MapPost(LogoutPath, SignOutAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    internal static ContentHttpResult GetLoginPage(HttpContext context, string? returnUrl, string? error)
    {
        NoCaching(context.Response);
        var message = error switch
        {
            null or "" => null,
            "throttled" => "Too many failed attempts from this address. Wait a minute and try again.",
            _ => "That token is not valid: unknown or revoked.",
        };
        return TypedResults.Content(LoginPage.Render(BrowserRequests.LocalOrRoot(returnUrl), message), "text/html; charset=utf-8");
    }

    internal static async Task<Results<RedirectHttpResult, StatusCodeHttpResult, BadRequest<string>>> SignInAsync(
        HttpContext context, OperatorTokenVerifier verifier, LoginThrottle throttle, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(LoginEndpoints));
        var address = BrowserRequests.RemoteAddress(context);
        if (RefuseCrossSite(context, logger))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!context.Request.HasFormContentType)
        {
            return TypedResults.BadRequest("POST a form (application/x-www-form-urlencoded) with the field 'token'.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = BrowserRequests.LocalOrRoot(form["returnUrl"].ToString());
        if (throttle.Refused(address) is { } failures)
        {
            Log.SignInThrottled(logger, address, failures);
            return TypedResults.Redirect(LoginUrl(returnUrl, "throttled"));
        }

        var token = form["token"].ToString().Trim();
        var identity = token.Length == 0 ? null : await verifier.VerifyAsync(token, context.RequestAborted);
        if (identity is null)
        {
            throttle.RecordFailure(address);
            Log.SignInFailed(logger, address);
            return TypedResults.Redirect(LoginUrl(returnUrl, "1"));
        }

        var properties = new AuthenticationProperties { RedirectUri = returnUrl, IsPersistent = false };
        properties.Items[OperatorCookieEvents.CheckedAtItem] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        await context.SignInAsync(OperatorPolicy.CookieScheme, identity.ToPrincipal(OperatorPolicy.CookieScheme), properties);
        Log.SignedIn(logger, identity.Name, address);
        NoCaching(context.Response);
        return TypedResults.Redirect(returnUrl);
    }

    internal static async Task<Results<RedirectHttpResult, StatusCodeHttpResult>> SignOutAsync(HttpContext context, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(LoginEndpoints));
        if (RefuseCrossSite(context, logger))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var session = await context.AuthenticateAsync(OperatorPolicy.CookieScheme);
        await context.SignOutAsync(OperatorPolicy.CookieScheme);
        if (session.Principal?.Identity?.Name is { } name)
        {
            Log.SignedOut(logger, name);
        }

        NoCaching(context.Response);
        return TypedResults.Redirect(LoginPath);
    }

    private static string LoginUrl(string returnUrl, string error) =>
        $"{LoginPath}?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static bool RefuseCrossSite(HttpContext context, ILogger logger)
    {
        if (!BrowserRequests.IsCrossSite(context.Request))
        {
            return false;
        }

        Log.CrossSiteRefused(logger, context.Request.Method, context.Request.Path, context.Request.Headers["Sec-Fetch-Site"].ToString(), context.Request.Headers.Origin.ToString());
        return true;
    }

    private static void NoCaching(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }
}
