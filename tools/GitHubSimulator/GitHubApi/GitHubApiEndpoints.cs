using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>The api.github.com calls RunnerHub makes, behind <see cref="ApiGateFilter"/> (auth, rate limit, faults).</summary>
internal static class GitHubApiEndpoints
{
    public static IServiceCollection AddGitHubApi(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiRateLimit>();
        return services;
    }

    public static WebApplication MapGitHubApi(this WebApplication app)
    {
        var api = app.MapGroup("").AddEndpointFilter<ApiGateFilter>();
        api.MapRunnerApi();
        api.MapJobApi();
        api.MapInstallationApi();
        return app;
    }
}
