using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using RunnerHub.Orchestrator.Dashboard;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>Operator actions on leadership: <c>POST /api/leadership/step-down</c>.</summary>
internal static class LeadershipEndpoints
{
    public static WebApplication MapLeadership(this WebApplication app)
    {
        var api = app.MapGroup("/api/leadership").RequireAuthorization(OperatorPolicy.Name);
        api.MapPost("/step-down", StepDownAsync);
        return app;
    }

    internal static async Task<Results<Ok<SteppedDown>, Conflict<NotLeader>>> StepDownAsync(
        LeaderElector elector, ILeadershipState state, PostgresDatabase database, DashboardStore audit, ClaimsPrincipal user, CancellationToken ct)
    {
        var token = state.FencingToken;
        if (token is null || !await elector.StepDownAsync(ct))
        {
            return TypedResults.Conflict(await NotLeader.DescribeAsync(state, database, ct));
        }

        try
        {
            await audit.AuditAsync(DashboardEndpoints.OperatorName(user), "step-down", state.NodeId, $"gave up leadership (token {token.Value})", state.NodeId, ct);
        }
        catch (Exception ex) when (PostgresErrors.IsOutage(ex))
        {
            // The step-down stands; the node's log records it.
        }

        return TypedResults.Ok(new SteppedDown(state.NodeId, token.Value));
    }
}

/// <summary>The answer of a successful step-down.</summary>
internal sealed record SteppedDown(string NodeId, long Token);

/// <summary>
/// The 409 body a follower gives for a leader-only action: who leads (as this node last saw in
/// Redis) and where to reach it (the node's advertised URL, from PostgreSQL).
/// </summary>
internal sealed record NotLeader(string Error, string NodeId, string? LeaderId, string? LeaderUrl)
{
    public static async Task<NotLeader> DescribeAsync(ILeadershipState state, PostgresDatabase database, CancellationToken ct)
    {
        var leader = state.LeaderId;
        string? url = null;
        if (leader is not null)
        {
            try
            {
                url = await database.RunAsync(
                    async (connection, token) =>
                    {
                        await using var command = new NpgsqlCommand("SELECT advertised_url FROM nodes WHERE node_id = @id", connection);
                        command.Parameters.AddWithValue("id", leader);
                        return await command.ExecuteScalarAsync(token) as string;
                    },
                    ct);
            }
            catch (Exception ex) when (PostgresErrors.IsOutage(ex))
            {
                // The address is a courtesy; the answer stands without it.
            }
        }

        return new NotLeader("not leader", state.NodeId, leader, url);
    }
}
