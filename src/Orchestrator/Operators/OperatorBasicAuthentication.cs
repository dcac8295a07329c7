namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Endpoint metadata: this endpoint also accepts the operator token as the password of HTTP Basic
/// authentication (any user name), for pages a browser opens (it cannot send a bearer header).
/// Only endpoints that carry it accept Basic: a browser sends cached Basic credentials to the
/// site by itself, and the operator API must not be callable that way from another site.
/// </summary>
internal sealed class OperatorBasicAuthentication
{
    public static readonly OperatorBasicAuthentication Allowed = new();

    /// <summary>The realm a browser shows when it asks for the credentials.</summary>
    public const string Realm = "RunnerHub operator";

    private OperatorBasicAuthentication()
    {
    }
}

/// <summary>Marks endpoints with <see cref="OperatorBasicAuthentication"/>.</summary>
internal static class OperatorBasicAuthenticationExtensions
{
    public static TBuilder AllowOperatorBasicAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OperatorBasicAuthentication.Allowed);
}
