using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Webhooks;

internal static class WebhookEndpoints
{
    public static WebApplication MapWebhooks(this WebApplication app)
    {
        // The metrics filter first: it counts what the schema filter answers too.
        app.MapGroup("/api/webhooks")
            .AddEndpointFilter<WebhookMetricsFilter>()
            .AddEndpointFilter<SchemaReadyFilter>()
            .MapPost("/github", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
                receiver.ReceiveAsync(request, cancellationToken))
            .DisableAntiforgery()
            // Open to GitHub: the receiver checks the HMAC signature instead.
            .AllowAnonymous();
        return app;
    }
}
