namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Answers 503 (with Retry-After) on endpoints that need the database while this node is still
/// migrating the schema at start-up, instead of failing on tables that do not exist yet.
/// </summary>
internal sealed class SchemaReadyFilter(SchemaState schema) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (schema.IsReady)
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.RetryAfter = "2";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Starting up",
            detail: "This node has not finished migrating the database schema yet. Retry shortly.");
    }
}
