using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Jobs;

internal static class JobsServiceCollectionExtensions
{
    /// <summary>The leader's re-check of unfinished jobs with GitHub, and the rule it shares with an operator's re-check.</summary>
    public static IServiceCollection AddJobRecheck(this IServiceCollection services)
    {
        services.AddOptions<GitHubRecheckOptions>().BindConfiguration(GitHubRecheckOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubRecheckOptions>, GitHubRecheckOptionsValidator>());
        services.TryAddSingleton<GitHubJobAnswers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, GitHubRecheckTask>());
        return services;
    }
}
