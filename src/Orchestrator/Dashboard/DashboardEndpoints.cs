using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Dashboard;

/// <summary>
/// The dashboard hub, <c>/dashboard</c> (the page is <c>/</c>), and the job and audit API the
/// page's actions also have for scripts: <c>GET /api/jobs?q=</c>, <c>GET /api/jobs/{id}</c>,
/// <c>POST /api/jobs/{id}/retry</c>, <c>POST /api/jobs/{id}/recheck</c>, <c>GET /api/audit</c>.
/// All for operators only.
/// </summary>
internal static class DashboardEndpoints
{
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapHub<DashboardHub>(DashboardHub.Route).RequireAuthorization(OperatorPolicy.Name);
        app.MapGet("/dashboard", () => TypedResults.Redirect("/")).RequireAuthorization(OperatorPolicy.Name);

        var jobs = app.MapGroup("/api/jobs").AddEndpointFilter<SchemaReadyFilter>().RequireAuthorization(OperatorPolicy.Name);
        jobs.MapGet("/", SearchAsync);
        jobs.MapGet("/{jobId:long}", GetAsync);
        jobs.MapPost("/{jobId:long}/retry", (long jobId, ClaimsPrincipal user, OperatorActions actions, CancellationToken ct) =>
            AnswerAsync(actions.RetryJobAsync(OperatorName(user), jobId, ct)));
        jobs.MapPost("/{jobId:long}/recheck", (long jobId, ClaimsPrincipal user, OperatorActions actions, CancellationToken ct) =>
            AnswerAsync(actions.RecheckJobAsync(OperatorName(user), jobId, ct)));

        app.MapGet("/api/audit", (string? target, int? limit, DashboardStore store, CancellationToken ct) => store.AuditAsync(target, Math.Clamp(limit ?? 100, 1, 1000), ct))
            .AddEndpointFilter<SchemaReadyFilter>()
            .RequireAuthorization(OperatorPolicy.Name);
        return app;
    }

    /// <summary>The name of the operator token behind the request, for the audit log.</summary>
    public static string OperatorName(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? "operator";

    private static async Task<Results<Ok<IReadOnlyList<JobRow>>, ValidationProblem>> SearchAsync(string? q, DashboardStore store, CancellationToken ct)
    {
        if (q is { Length: > 200 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["at most 200 characters"] });
        }

        return TypedResults.Ok<IReadOnlyList<JobRow>>(await store.SearchJobsAsync(q, DashboardHub.SearchLimit, ct));
    }

    private static async Task<Results<Ok<JobDetail>, NotFound<string>>> GetAsync(long jobId, DashboardStore store, CancellationToken ct) =>
        await store.JobAsync(jobId, ct) is { } job ? TypedResults.Ok(job) : TypedResults.NotFound($"no job {jobId}");

    /// <summary>200 with what was done, or 409 with why nothing was (no such job or runner, or the wrong state).</summary>
    private static async Task<Results<Ok<ActionResult>, Conflict<ActionResult>>> AnswerAsync(Task<ActionResult> action)
    {
        var result = await action;
        return result.Ok ? TypedResults.Ok(result) : TypedResults.Conflict(result);
    }
}
