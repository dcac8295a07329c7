using Microsoft.Extensions.DependencyInjection.Extensions;
using RunnerHub.GitHubSimulator.Payloads;

namespace RunnerHub.GitHubSimulator.Webhooks;

internal static class WebhooksServiceCollectionExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                // Below HAProxy's 5 s keep-alive timeout: a connection it is closing is never
                // reused for a delivery (that race failed about one delivery a minute).
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
                UseCookies = false,
                AllowAutoRedirect = false,
            })
            // The sender applies Simulator:DeliveryTimeout per request; one log line per delivery is its own.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.TryAddSingleton<PayloadTemplates>();
        services.TryAddSingleton<WebhookPayloads>();
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<DeliveryPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryPipeline>());
        services.TryAddSingleton<WorkflowJobWebhooks>();
        return services;
    }
}
