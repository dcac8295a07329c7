using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.ProxyRunner.Registration;

internal static class RegistrationServiceCollectionExtensions
{
    public static IServiceCollection AddRegistration(this IServiceCollection services)
    {
        services.AddOptions<RunnerOptions>().BindConfiguration(RunnerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunnerOptions>, RunnerOptionsValidator>());
        services.AddHealthChecks()
            .AddCheck<StateDirectoryHealthCheck>("state-directory", tags: [ServiceDefaultsExtensions.ReadyTag]);
        services.AddHostedService<StartupAnnouncement>();
        return services;
    }
}
