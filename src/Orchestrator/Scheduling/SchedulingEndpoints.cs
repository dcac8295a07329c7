using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>Hangfire's dashboard at <c>/hangfire</c>, for operators only (bearer token, or the token as a Basic password).</summary>
internal static class SchedulingEndpoints
{
    public const string DashboardPath = "/hangfire";

    public static WebApplication MapScheduling(this WebApplication app)
    {
        var dashboard = new SchedulingDashboard(((IEndpointRouteBuilder)app).CreateApplicationBuilder());
        // "{**path}" also matches the bare "/hangfire".
        app.Map(DashboardPath + "/{**path}", dashboard.InvokeAsync)
            .RequireAuthorization(OperatorPolicy.Name)
            .AllowOperatorBasicAuthentication();
        return app;
    }
}
