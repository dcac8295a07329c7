using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Runners;

internal static class RunnersServiceCollectionExtensions
{
    public static IServiceCollection AddRunners(this IServiceCollection services)
    {
        services.AddOptions<RunnersOptions>().BindConfiguration(RunnersOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunnersOptions>, RunnersOptionsValidator>());
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperatorOptions>, OperatorOptionsValidator>());
        services.TryAddSingleton<IRunnerStore, PostgresRunnerStore>();
        services.TryAddSingleton<OrphanedProcesses>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, SilentRunnersTask>());

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(OperatorAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, RunnerAuthenticationHandler>(RunnerAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy.Name, p => p.AddAuthenticationSchemes(OperatorAuthenticationHandler.SchemeName).RequireRole("operator"));
        services.AddSignalR();
        return services;
    }
}
