using Microsoft.AspNetCore.Http.HttpResults;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary><c>POST /ping</c> sends a <c>ping</c> event; <c>GET /deliveries/{id}</c> shows one delivery and its requests.</summary>
internal static class WebhookEndpoints
{
    public static WebApplication MapWebhooks(this WebApplication app)
    {
        app.MapPost("/ping", (WorkflowJobWebhooks webhooks) => TypedResults.Accepted((string?)null, new { deliveryId = webhooks.Ping() }));
        app.MapGet("/deliveries/{deliveryId:guid}", GetDelivery);
        return app;
    }

    internal static Results<Ok<DeliveryView>, NotFound> GetDelivery(Guid deliveryId, DeliveryLog log) =>
        log.Get(deliveryId) is { } record ? TypedResults.Ok(record.View()) : TypedResults.NotFound();
}
