using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Health;

/// <summary>Ready only while the PostgreSQL primary answers: without it no job can be accepted durably.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT host(inet_server_addr()) || ':' || inet_server_port(), pg_is_in_recovery()", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var address = reader.IsDBNull(0) ? "local socket" : reader.GetString(0);
            var data = new Dictionary<string, object> { ["primary"] = address };
            return reader.GetBoolean(1)
                ? HealthCheckResult.Unhealthy($"{address} is in recovery: no writable primary", data: data)
                : HealthCheckResult.Healthy($"primary {address} answers", data);
        }
        catch (Exception ex) when (PostgresErrors.IsOutage(ex) || ex is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL primary not reachable", ex);
        }
    }
}
