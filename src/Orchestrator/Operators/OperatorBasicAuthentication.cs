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

    /// <summary>The <c>WWW-Authenticate</c> value of a Basic challenge.</summary>
    public const string Challenge = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";

    private OperatorBasicAuthentication()
    {
    }

    /// <summary>Whether the endpoint of <paramref name="context"/> carries this metadata.</summary>
    public static bool AllowedOn(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<OperatorBasicAuthentication>() is not null;
}

/// <summary>Marks endpoints with <see cref="OperatorBasicAuthentication"/>.</summary>
internal static class OperatorBasicAuthenticationExtensions
{
    public static TBuilder AllowOperatorBasicAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OperatorBasicAuthentication.Allowed);
}
