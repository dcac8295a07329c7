using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Jobs;

internal static class JobsServiceCollectionExtensions
{
    /// <summary>The leader's re-check of unfinished jobs with GitHub.</summary>
    public static IServiceCollection AddJobRecheck(this IServiceCollection services)
    {
        services.AddOptions<GitHubRecheckOptions>().BindConfiguration(GitHubRecheckOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubRecheckOptions>, GitHubRecheckOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, GitHubRecheckTask>());
        return services;
    }
}
