using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Runners;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>Runners and registration tokens in PostgreSQL. Every statement is idempotent, so the retry pipeline may repeat it.</summary>
internal sealed class PostgresRunnerStore(PostgresDatabase database) : IRunnerStore
{
    public async Task CreateRegistrationTokenAsync(byte[] tokenHash, string createdBy, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "INSERT INTO registration_tokens (token_hash, created_by, expires_at) VALUES (@hash, @by, @expires) ON CONFLICT (token_hash) DO NOTHING",
            c =>
            {
                c.Parameters.AddWithValue("hash", tokenHash);
                c.Parameters.AddWithValue("by", createdBy);
                c.Parameters.AddWithValue("expires", expiresAt);
            },
            cancellationToken);

    public async Task<Guid?> RegisterAsync(byte[] tokenHash, string name, LabelSet labels, int slots, byte[] credentialHash, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    WITH token AS (
                        UPDATE registration_tokens SET used_count = used_count + 1
                        WHERE token_hash = @token AND expires_at > now()
                        RETURNING 1
                    )
                    INSERT INTO runners (runner_id, name, labels, label_key, slots, credential_hash)
                    SELECT @id, @name, @labels, @label_key, @slots, @credential FROM token
                    ON CONFLICT (name) DO UPDATE SET
                        labels = EXCLUDED.labels, label_key = EXCLUDED.label_key, slots = EXCLUDED.slots,
                        credential_hash = EXCLUDED.credential_hash, removed = false
                    RETURNING runner_id
                    """,
                    connection);
                command.Parameters.AddWithValue("token", tokenHash);
                command.Parameters.AddWithValue("id", Guid.NewGuid());
                command.Parameters.AddWithValue("name", name);
                command.Parameters.AddWithValue("labels", labels.Labels.ToArray());
                command.Parameters.AddWithValue("label_key", labels.ToString());
                command.Parameters.AddWithValue("slots", slots);
                command.Parameters.AddWithValue("credential", credentialHash);
                return (Guid?)await command.ExecuteScalarAsync(ct);
            },
            cancellationToken);

    public async Task<RunnerIdentity?> AuthenticateAsync(byte[] credentialHash, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    "SELECT runner_id, name, labels, slots FROM runners WHERE credential_hash = @hash AND NOT removed", connection);
                command.Parameters.AddWithValue("hash", credentialHash);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct)
                    ? new RunnerIdentity(reader.GetGuid(0), reader.GetString(1), LabelSet.From(reader.GetFieldValue<string[]>(2)), reader.GetInt32(3))
                    : null;
            },
            cancellationToken);

    public async Task<bool> ConnectedAsync(Guid runnerId, string nodeId, string connectionId, int slots, int freeSlots, string version, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    UPDATE runners SET node_id = @node, connection_id = @connection, slots = @slots, free_slots = @free, version = @version,
                                       connected_at = now(), last_heartbeat_at = now()
                    WHERE runner_id = @id
                    RETURNING draining
                    """,
                    connection);
                command.Parameters.AddWithValue("id", runnerId);
                command.Parameters.AddWithValue("node", nodeId);
                command.Parameters.AddWithValue("connection", connectionId);
                command.Parameters.AddWithValue("slots", slots);
                command.Parameters.AddWithValue("free", freeSlots);
                command.Parameters.AddWithValue("version", version);
                return (bool?)await command.ExecuteScalarAsync(ct) ?? false;
            },
            cancellationToken);

    public async Task<RunnerStanding> HeartbeatAsync(Guid runnerId, string connectionId, int freeSlots, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                // Only the current connection may speak for the runner: a stale one (the runner
                // reconnected elsewhere) changes nothing.
                await using var command = new NpgsqlCommand(
                    """
                    UPDATE runners SET free_slots = CASE WHEN connection_id = @connection THEN @free ELSE free_slots END,
                                       last_heartbeat_at = CASE WHEN connection_id = @connection THEN now() ELSE last_heartbeat_at END
                    WHERE runner_id = @id
                    RETURNING draining, removed
                    """,
                    connection);
                command.Parameters.AddWithValue("id", runnerId);
                command.Parameters.AddWithValue("connection", connectionId);
                command.Parameters.AddWithValue("free", freeSlots);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct) ? new RunnerStanding(reader.GetBoolean(0), reader.GetBoolean(1)) : new RunnerStanding(false, true);
            },
            cancellationToken);

    public async Task DisconnectedAsync(Guid runnerId, string connectionId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE runners SET node_id = NULL, connection_id = NULL, free_slots = 0 WHERE runner_id = @id AND connection_id = @connection",
            c =>
            {
                c.Parameters.AddWithValue("id", runnerId);
                c.Parameters.AddWithValue("connection", connectionId);
            },
            cancellationToken);

    public async Task<IReadOnlyList<RunnerRecord>> ListAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT r.runner_id, r.name, r.labels, r.slots, r.free_slots, r.draining, r.removed, r.node_id, r.version,
                           r.registered_at, r.last_heartbeat_at,
                           COALESCE((SELECT array_agg(j.job_id ORDER BY j.job_id) FROM jobs j
                                     WHERE j.runner_id = r.runner_id AND j.state IN ('dispatched', 'in_progress')), '{}')
                    FROM runners r ORDER BY r.name
                    """,
                    connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var runners = new List<RunnerRecord>();
                while (await reader.ReadAsync(ct))
                {
                    runners.Add(new RunnerRecord(
                        reader.GetGuid(0),
                        reader.GetString(1),
                        reader.GetFieldValue<string[]>(2),
                        reader.GetInt32(3),
                        reader.GetInt32(4),
                        reader.GetBoolean(5),
                        reader.GetBoolean(6),
                        reader.IsDBNull(7) ? null : reader.GetString(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8),
                        reader.GetFieldValue<DateTimeOffset>(9),
                        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                        reader.GetFieldValue<long[]>(11)));
                }

                return (IReadOnlyList<RunnerRecord>)runners;
            },
            cancellationToken);

    public async Task<bool> SetDrainingAsync(string name, bool draining, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE runners SET draining = @draining WHERE name = @name AND NOT removed",
            c =>
            {
                c.Parameters.AddWithValue("name", name);
                c.Parameters.AddWithValue("draining", draining);
            },
            cancellationToken) == 1;

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE runners SET removed = true, credential_hash = NULL, node_id = NULL, connection_id = NULL, free_slots = 0 WHERE name = @name",
            c => c.Parameters.AddWithValue("name", name),
            cancellationToken) == 1;
}
