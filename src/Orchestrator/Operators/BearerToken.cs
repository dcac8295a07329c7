namespace RunnerHub.Orchestrator.Operators;

/// <summary>Reads a bearer token from <c>Authorization</c>, or (for WebSockets, which cannot set headers in browsers) <c>access_token</c>.</summary>
internal static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        if (FromHeader(request) is { } token)
        {
            return token;
        }

        var query = request.Query["access_token"].ToString();
        return query.Length > 0 ? query : null;
    }

    /// <summary>The <c>Authorization: Bearer</c> token only (the operator API never reads tokens from URLs, which end up in logs).</summary>
    public static string? FromHeader(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
