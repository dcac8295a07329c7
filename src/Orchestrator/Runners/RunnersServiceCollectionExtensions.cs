using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Runners;

internal static class RunnersServiceCollectionExtensions
{
    public static IServiceCollection AddRunners(this IServiceCollection services)
    {
        services.AddOptions<RunnersOptions>().BindConfiguration(RunnersOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunnersOptions>, RunnersOptionsValidator>());
        services.TryAddSingleton<IRunnerStore, PostgresRunnerStore>();
        services.TryAddSingleton<OrphanedProcesses>();
        services.TryAddSingleton<OrphanRegistrations>();
        services.AddHostedService(sp => sp.GetRequiredService<OrphanRegistrations>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, SilentRunnersTask>());

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, RunnerAuthenticationHandler>(RunnerAuthenticationHandler.SchemeName, null);
        services.AddSignalR();
        return services;
    }
}
