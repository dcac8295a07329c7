namespace RunnerHub.Orchestrator.Diagnostics;

internal static class DiagnosticsServiceCollectionExtensions
{
    public static IServiceCollection AddDiagnostics(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<DependencyOutageExceptionHandler>();
        return services;
    }
}
