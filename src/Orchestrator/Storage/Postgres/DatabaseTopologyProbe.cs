using Npgsql;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Reads the replication picture: the primary (through the normal data source), its standbys
/// from <c>pg_stat_replication</c>, and a standby reached directly. No retries: a health probe
/// must answer quickly and say what it saw.
/// </summary>
internal sealed class DatabaseTopologyProbe(NpgsqlDataSource dataSource)
{
    private const string ServerSql =
        "SELECT host(inet_server_addr()) || ':' || inet_server_port(), pg_is_in_recovery(), current_setting('synchronous_standby_names')";

    // Lag columns are NULL unless the role may see them (pg_monitor); they are reported as null then.
    private const string ReplicationSql =
        """
        SELECT application_name, host(client_addr) || ':' || client_port, state, sync_state,
               EXTRACT(EPOCH FROM replay_lag)::float8,
               pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint
        FROM pg_stat_replication
        ORDER BY application_name
        """;

    public async Task<DatabaseTopology> ProbeAsync(CancellationToken cancellationToken)
    {
        DatabaseServer? primary = null;
        string? primaryError = null;
        var replicas = new List<DatabaseReplica>();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            primary = await ReadServerAsync(connection, cancellationToken);
            await using var command = new NpgsqlCommand(ReplicationSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                replicas.Add(new DatabaseReplica(
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4),
                    reader.IsDBNull(5) ? null : reader.GetInt64(5)));
            }
        }
        catch (Exception ex) when (PostgresErrors.IsOutage(ex))
        {
            primaryError = ex.Message;
        }

        DatabaseServer? standby = null;
        string? standbyError = null;
        if (dataSource is NpgsqlMultiHostDataSource multiHost)
        {
            try
            {
                await using var connection = await multiHost.WithTargetSession(TargetSessionAttributes.Standby).OpenConnectionAsync(cancellationToken);
                standby = await ReadServerAsync(connection, cancellationToken);
            }
            catch (Exception ex) when (PostgresErrors.IsOutage(ex))
            {
                standbyError = ex.Message;
            }
        }
        else
        {
            standbyError = "single-host connection string: no standby configured";
        }

        return new DatabaseTopology(primary, primaryError, replicas, standby, standbyError);
    }

    private static async Task<DatabaseServer> ReadServerAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ServerSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseServer(
            reader.IsDBNull(0) ? "local socket" : reader.GetString(0),
            reader.GetBoolean(1),
            reader.IsDBNull(2) ? null : reader.GetString(2));
    }
}
