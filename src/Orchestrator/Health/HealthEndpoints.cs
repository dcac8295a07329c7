using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.Orchestrator.Health;

/// <summary>
/// The orchestrator's health pages beyond live/ready: <c>/health</c> (every dependency),
/// <c>/health/database</c>, <c>/health/redis</c> and <c>/health/leadership</c>. A page answers
/// 503 when what it describes cannot work right now, with the details in the body either way.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);

    public static WebApplication MapOrchestratorHealth(this WebApplication app)
    {
        // Open, like /health/live and /health/ready: load balancers and operators without a login read them.
        app.MapHealthChecks("/health", ServiceDefaultsExtensions.Options(_ => true)).AllowAnonymous();

        var health = app.MapGroup("/health").AllowAnonymous();
        health.MapGet("/database", GetDatabaseAsync);
        health.MapGet("/redis", GetRedisAsync);
        health.MapGet("/leadership", GetLeadership);
        return app;
    }

    internal static async Task<JsonHttpResult<DatabaseTopology>> GetDatabaseAsync(DatabaseTopologyProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var topology = await probe.ProbeAsync(timeout.Token);
        return TypedResults.Json(topology, statusCode: topology.Primary is { InRecovery: false } ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    internal static async Task<JsonHttpResult<RedisTopology>> GetRedisAsync(RedisTopologyProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var topology = await probe.ProbeAsync(timeout.Token);
        return TypedResults.Json(topology, statusCode: topology is { Connected: true, Master: not null } ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    internal static Ok<LeadershipView> GetLeadership(ILeadershipState leadership) =>
        TypedResults.Ok(new LeadershipView(leadership.NodeId, leadership.IsLeader, leadership.LeaderId, leadership.FencingToken, leadership.LeaseExpiresAt));
}
