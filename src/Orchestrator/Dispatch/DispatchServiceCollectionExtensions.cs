using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Dispatch;

internal static class DispatchServiceCollectionExtensions
{
    public static IServiceCollection AddDispatch(this IServiceCollection services)
    {
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DispatchOptions>, DispatchOptionsValidator>());
        services.TryAddSingleton<ConnectedRunners>();
        services.TryAddSingleton<DispatchSignal>();
        services.TryAddSingleton<DispatchMetrics>();
        services.TryAddSingleton<IDispatchStore, PostgresDispatchStore>();
        services.AddHostedService<Dispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, LeaseExpiryTask>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, QueueReconcileTask>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, UnusedRunnersTask>());
        return services;
    }
}
