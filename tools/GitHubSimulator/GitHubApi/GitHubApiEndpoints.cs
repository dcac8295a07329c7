using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>The api.github.com calls RunnerHub makes, behind <see cref="ApiGateFilter"/> (auth, rate limit, faults).</summary>
internal static class GitHubApiEndpoints
{
    public static IServiceCollection AddGitHubApi(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiRateLimit>();
        services.TryAddSingleton<AppJwtVerifier>();
        services.TryAddSingleton<InstallationTokens>();
        return services;
    }

    public static WebApplication MapGitHubApi(this WebApplication app)
    {
        var api = app.MapGroup("").AddEndpointFilter<ApiGateFilter>();
        api.MapRunnerApi();
        api.MapJobApi();
        api.MapInstallationApi();

        // The simulator's own view, outside the API gate: no token, not rate limited.
        app.MapGet("/_simulator/installation-tokens", InstallationEndpoints.ListIssued);
        return app;
    }
}
