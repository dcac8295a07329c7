namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// The authorization policy of every operator page and endpoint, and the fallback policy of
/// every endpoint not marked otherwise: an operator token as a bearer header, or a session
/// cookie from <c>/login</c>.
/// </summary>
internal static class OperatorPolicy
{
    public const string Name = "operator";

    /// <summary>The browser session cookie's scheme.</summary>
    public const string CookieScheme = "OperatorSession";

    /// <summary>Bearer (or Basic) when the request has an <c>Authorization</c> header, else the session cookie.</summary>
    public const string Scheme = "OperatorBearerOrSession";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "runnerhub.session";
}
