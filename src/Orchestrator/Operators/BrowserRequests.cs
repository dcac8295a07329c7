using Microsoft.Net.Http.Headers;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>How the operator login tells a browser page navigation from an API call, and same-site from cross-site.</summary>
internal static class BrowserRequests
{
    /// <summary>Paths that are never pages: they answer 401, not a redirect to the login.</summary>
    private static readonly PathString[] ApiPaths = ["/api", "/hubs", "/metrics", "/health"];

    /// <summary>
    /// A browser navigating to a page: GET or HEAD, accepts HTML, not an XHR/fetch
    /// (<c>Sec-Fetch-Mode</c> other than navigate, <c>X-Requested-With</c>), not under an API path.
    /// </summary>
    public static bool IsPageNavigation(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        if (ApiPaths.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var mode = request.Headers["Sec-Fetch-Mode"].ToString();
        if (mode.Length > 0 && !string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (string.Equals(request.Headers.XRequestedWith.ToString(), "XMLHttpRequest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether a state-changing request (sign in, sign out) comes from another site: by
    /// <c>Sec-Fetch-Site</c> when the browser sends it, else by <c>Origin</c> against the request's
    /// host (host and port only: TLS may end at the proxy, so the schemes can differ). A request
    /// with neither is not from a browser and is allowed. With the SameSite=Strict cookie this
    /// stands in for antiforgery tokens, which a static dashboard page could not embed.
    /// </summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase) && !string.Equals(site, "none", StringComparison.OrdinalIgnoreCase);
        }

        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// <paramref name="url"/> when it is a local URL (the rules of ASP.NET Core's
    /// <c>Url.IsLocalUrl</c>: one leading slash, not <c>//</c> or <c>/\</c>, no control
    /// characters), else <c>/</c>. Keeps <c>/login</c> from being an open redirect.
    /// </summary>
    public static string LocalOrRoot(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return "/";
        }

        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return "/";
        }

        return url.Any(char.IsControl) ? "/" : url;
    }

    /// <summary>The remote address for logs and the login throttle.</summary>
    public static string RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
