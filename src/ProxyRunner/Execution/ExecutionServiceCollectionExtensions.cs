using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RunnerHub.ProxyRunner.Execution;

internal static class ExecutionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the job executor (<see cref="IJobExecutor"/>), its validated <c>Execution</c> options,
    /// and its lifetime: leftovers of a previous run are dealt with at start, running jobs drained at stop.
    /// </summary>
    public static IServiceCollection AddExecution(this IServiceCollection services)
    {
        services.AddOptions<ExecutionOptions>().BindConfiguration(ExecutionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExecutionOptions>, ExecutionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobExecutor>();
        services.TryAddSingleton<IJobExecutor>(sp => sp.GetRequiredService<JobExecutor>());
        services.AddHostedService<ExecutionLifetime>();
        return services;
    }
}
