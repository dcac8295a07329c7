using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Webhooks;

internal static class WebhookEndpoints
{
    public static WebApplication MapWebhooks(this WebApplication app)
    {
        app.MapGroup("/api/webhooks")
            .AddEndpointFilter<SchemaReadyFilter>()
            .MapPost("/github", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
                receiver.ReceiveAsync(request, cancellationToken))
            .DisableAntiforgery();
        return app;
    }
}
