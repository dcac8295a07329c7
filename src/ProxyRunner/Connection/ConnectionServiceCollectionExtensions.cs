using Microsoft.Extensions.DependencyInjection.Extensions;
using RunnerHub.ProxyRunner.Registration;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.ProxyRunner.Connection;

internal static class ConnectionServiceCollectionExtensions
{
    public static IServiceCollection AddConnection(this IServiceCollection services)
    {
        services.AddHttpClient(RunnerRegistration.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<RunnerIdentityStore>();
        services.TryAddSingleton<RunnerRegistration>();
        services.TryAddSingleton<RunnerState>();
        services.TryAddSingleton<JobCancellations>();
        services.AddHostedService<RunnerConnection>();
        services.AddHealthChecks().AddCheck<HubConnectionHealthCheck>("orchestrator-connection", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return services;
    }
}
