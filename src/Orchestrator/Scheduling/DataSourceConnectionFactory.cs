using Hangfire.PostgreSql;
using Npgsql;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Gives Hangfire connections from the orchestrator's own <see cref="NpgsqlDataSource"/>: the
/// same multi-host connection string with <c>Target Session Attributes=primary</c>, so a connection
/// opened after a failover reaches the new primary, and the same pool that
/// <see cref="Storage.Postgres.PostgresDatabase"/> clears when the primary moves.
/// </summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
