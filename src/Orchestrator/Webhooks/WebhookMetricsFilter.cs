namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>
/// Counts every webhook request by what it is answered (<see cref="WebhookMetrics"/>). The
/// outermost filter of the endpoint, so the 503 of a node still migrating its schema and the
/// 503 the outage handler makes of an exception are counted too.
/// </summary>
internal sealed class WebhookMetricsFilter(WebhookMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var gitHubEvent = context.HttpContext.Request.Headers["X-GitHub-Event"].ToString();
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex)
        {
            metrics.Delivered(gitHubEvent, ex is BadHttpRequestException ? WebhookResult.BadRequest : WebhookResult.Unavailable);
            throw;
        }

        metrics.Delivered(gitHubEvent, Classify(result));
        return result;
    }

    /// <summary>The result an endpoint answer stands for.</summary>
    internal static WebhookResult Classify(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status500InternalServerError;
        return status switch
        {
            StatusCodes.Status401Unauthorized => WebhookResult.InvalidSignature,
            >= 400 and < 500 => WebhookResult.BadRequest,
            >= 500 => WebhookResult.Unavailable,
            StatusCodes.Status202Accepted => WebhookResult.Ignored,
            _ => (result as IValueHttpResult)?.Value switch
            {
                WebhookAnswer { Duplicate: true } => WebhookResult.Duplicate,
                WebhookAnswer { Outcome: "ignored" } => WebhookResult.Ignored,
                _ => WebhookResult.Accepted,
            },
        };
    }
}
