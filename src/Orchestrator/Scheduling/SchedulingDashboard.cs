using Hangfire;
using Hangfire.Dashboard;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Serves Hangfire's dashboard under <see cref="SchedulingEndpoints.DashboardPath"/> with this
/// node's storage. Hangfire's own <c>MapHangfireDashboard</c> needs the storage when the route is
/// mapped, which is before PostgreSQL may be reachable; here the dashboard's pipeline is built on
/// the first request after the storage exists, and until then the answer is 503. Who may see it
/// is decided by the endpoint's authorization policy, so Hangfire's own filters are empty.
/// </summary>
internal sealed class SchedulingDashboard(IApplicationBuilder branch)
{
    private RequestDelegate? _pipeline;
    private object? _building;

    public Task InvokeAsync(HttpContext context)
    {
        // Resolved per request, not when the route is mapped: the storage's data source validates
        // the configuration, and a bad one must be reported by the host's start, not crash Program.
        if (context.RequestServices.GetRequiredService<SchedulingStorage>().Current is not { } jobStorage)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync("Hangfire's storage is not reachable yet (PostgreSQL); try again shortly.", context.RequestAborted);
        }

        // Built once (the branch builder must not get its middleware twice from concurrent first requests).
        return LazyInitializer.EnsureInitialized(ref _pipeline, ref _building, () => Build(jobStorage))(context);
    }

    private RequestDelegate Build(JobStorage jobStorage)
    {
        var options = new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [],
            DashboardTitle = "RunnerHub Hangfire",
            AppPath = null,
            DisplayStorageConnectionString = false,
        };
        return branch
            .UsePathBase(SchedulingEndpoints.DashboardPath)
            .UseMiddleware<AspNetCoreDashboardMiddleware>(jobStorage, options, DashboardRoutes.Routes)
            .Build();
    }
}
