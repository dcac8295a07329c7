namespace RunnerHub.Orchestrator.Operators;

/// <summary>Reads a bearer token from <c>Authorization</c>, or (for WebSockets, which cannot set headers in browsers) <c>access_token</c>.</summary>
internal static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        var query = request.Query["access_token"].ToString();
        return query.Length > 0 ? query : null;
    }
}
