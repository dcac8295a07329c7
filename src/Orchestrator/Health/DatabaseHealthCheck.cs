using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Health;

/// <summary>
/// Ready while the PostgreSQL primary answers: without it no job can be accepted durably. A
/// primary lost less than <see cref="PostgresOptions.ReadinessGrace"/> ago reports Degraded
/// (still ready), so a failover does not empty HAProxy; a longer outage is Unhealthy (503).
/// </summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, DatabaseReachability reachability, IOptions<PostgresOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string? problem;
        Exception? error = null;
        var data = new Dictionary<string, object>();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT host(inet_server_addr()) || ':' || inet_server_port(), pg_is_in_recovery()", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var address = reader.IsDBNull(0) ? "local socket" : reader.GetString(0);
            data["primary"] = address;
            if (!reader.GetBoolean(1))
            {
                reachability.RecordSuccess();
                return HealthCheckResult.Healthy($"primary {address} answers", data);
            }

            problem = $"{address} is in recovery: no writable primary";
        }
        catch (Exception ex) when (PostgresErrors.IsOutage(ex) || ex is OperationCanceledException)
        {
            problem = "PostgreSQL primary not reachable";
            error = ex;
        }

        var unreachableFor = reachability.RecordFailure();
        var grace = options.Value.ReadinessGrace;
        var status = DatabaseReachability.Evaluate(unreachableFor, grace);
        if (unreachableFor != TimeSpan.MaxValue)
        {
            data["unreachableSeconds"] = Math.Round(unreachableFor.TotalSeconds, 1);
        }

        var description = status == HealthStatus.Degraded
            ? $"{problem}; within the {grace.TotalSeconds:0.#} s failover grace"
            : problem;
        return new HealthCheckResult(status, description, error, data);
    }
}
