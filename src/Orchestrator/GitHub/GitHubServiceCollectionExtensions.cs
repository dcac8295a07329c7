using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace RunnerHub.Orchestrator.GitHub;

internal static class GitHubServiceCollectionExtensions
{
    public static IServiceCollection AddGitHub(this IServiceCollection services)
    {
        services.AddOptions<GitHubOptions>().BindConfiguration(GitHubOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubOptions>, GitHubOptionsValidator>());
        services.TryAddSingleton<GitHubCredentials>();
        services.TryAddSingleton<GitHubMetrics>();
        services.TryAddTransient<GitHubMetricsHandler>();

        var client = services.AddHttpClient<IGitHubClient, GitHubClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            http.BaseAddress = new Uri(options.ApiBaseUrl.TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.github+json");
            http.DefaultRequestHeaders.Add("X-GitHub-Api-Version", "2022-11-28");
            http.DefaultRequestHeaders.UserAgent.ParseAdd("RunnerHub/1.0");
            http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's timeouts decide
        });
        client.AddResilienceHandler("github", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<GitHubOptions>>().Value;
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline
                .AddTimeout(options.TotalTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 4,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    ShouldHandle = args => ValueTask.FromResult(
                        HttpClientResiliencePredicates.IsTransient(args.Outcome)
                        || (args.Outcome.Result is { } response && GitHubRateLimits.IsRateLimited(response))),
                    DelayGenerator = args => ValueTask.FromResult(
                        args.Outcome.Result is { } response ? GitHubRateLimits.Delay(response, time.GetUtcNow()) : null),
                })
                .AddTimeout(options.AttemptTimeout);
        });

        // Added after the resilience handler, so inside it: every attempt is counted.
        client.AddHttpMessageHandler<GitHubMetricsHandler>();
        return services;
    }
}
