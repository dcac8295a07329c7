using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// PostgreSQL's side of leadership: the fencing token and the fenced transaction every leader
/// write runs in. When in doubt, PostgreSQL decides: a node that holds the Redis lease but not the
/// newest token can write nothing.
/// </summary>
internal sealed class LeaderFence(PostgresDatabase database)
{
    /// <summary>
    /// Raises the token for a takeover and records it on the failover timeline. Idempotent on
    /// the term id: a retry after a lost reply returns the same token. The gap is how long the
    /// lease was seen free before this takeover, when known.
    /// </summary>
    public ValueTask<long> TakeOverAsync(string nodeId, Guid termId, TimeSpan? previousGap, CancellationToken cancellationToken) =>
        database.RunAsync(
            async (connection, ct) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                // A frozen old leader may hold the term row FOR SHARE; its session is ended by
                // idle_in_transaction_session_timeout, so wait a little longer than that, not forever.
                await Execute(connection, transaction, "SET LOCAL lock_timeout = '4s'", ct);
                string? previous;
                long token;
                await using (var read = new NpgsqlCommand("SELECT token, node_id, term_id FROM leader_term WHERE id = 1 FOR UPDATE", connection, transaction))
                await using (var reader = await read.ExecuteReaderAsync(ct))
                {
                    await reader.ReadAsync(ct);
                    token = reader.GetInt64(0);
                    previous = reader.IsDBNull(1) ? null : reader.GetString(1);
                    if (!reader.IsDBNull(2) && reader.GetGuid(2) == termId)
                    {
                        return token;
                    }
                }

                token++;
                await using (var update = new NpgsqlCommand(
                    "UPDATE leader_term SET token = @token, node_id = @node, term_id = @term, acquired_at = now() WHERE id = 1", connection, transaction))
                {
                    update.Parameters.AddWithValue("token", token);
                    update.Parameters.AddWithValue("node", nodeId);
                    update.Parameters.AddWithValue("term", termId);
                    await update.ExecuteNonQueryAsync(ct);
                }

                await using (var record = new NpgsqlCommand(
                    """
                    INSERT INTO failover_events (event_key, component, from_value, to_value, duration_ms, detail)
                    VALUES (@key, 'leader', @from, @to, @duration, @detail)
                    ON CONFLICT (event_key) DO NOTHING
                    """, connection, transaction))
                {
                    record.Parameters.AddWithValue("key", $"leader:{termId:N}");
                    record.Parameters.AddWithValue("from", (object?)previous ?? DBNull.Value);
                    record.Parameters.AddWithValue("to", nodeId);
                    record.Parameters.AddWithValue("duration", previousGap is { } gap ? (int)gap.TotalMilliseconds : DBNull.Value);
                    record.Parameters.AddWithValue("detail", $"token {token}");
                    await record.ExecuteNonQueryAsync(ct);
                }

                await transaction.CommitAsync(ct);
                return token;
            },
            cancellationToken);

    /// <summary>The highest token PostgreSQL has recorded and the node that took it.</summary>
    public ValueTask<(long Token, string? NodeId)> CurrentAsync(CancellationToken cancellationToken) =>
        database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand("SELECT token, node_id FROM leader_term WHERE id = 1", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            },
            cancellationToken);

    /// <summary>
    /// Runs a leader task's writes in one transaction that first checks the token: the term row
    /// must still carry <paramref name="token"/> (held FOR SHARE until commit, so a takeover
    /// waits for this write) and the task's fence row must not carry a newer one. Throws
    /// <see cref="FencedOutException"/> and writes nothing when a newer leader exists. The work
    /// must be idempotent: a lost reply is retried.
    /// </summary>
    public ValueTask<T> RunAsync<T>(
        string task,
        long token,
        string nodeId,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, ValueTask<T>> work,
        CancellationToken cancellationToken) =>
        database.RunAsync(
            async (connection, ct) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                // A leader frozen mid-transaction must not hold the term row for ever.
                await Execute(connection, transaction, "SET LOCAL idle_in_transaction_session_timeout = '2s'", ct);
                await using (var check = new NpgsqlCommand("SELECT token FROM leader_term WHERE id = 1 FOR SHARE", connection, transaction))
                {
                    var current = (long)(await check.ExecuteScalarAsync(ct))!;
                    if (current != token)
                    {
                        throw new FencedOutException(task, token, current);
                    }
                }

                await using (var fence = new NpgsqlCommand(
                    """
                    INSERT INTO leader_fences (task, token, node_id, ran_at) VALUES (@task, @token, @node, now())
                    ON CONFLICT (task) DO UPDATE SET token = excluded.token, node_id = excluded.node_id, ran_at = excluded.ran_at
                    WHERE leader_fences.token <= excluded.token
                    RETURNING token
                    """, connection, transaction))
                {
                    fence.Parameters.AddWithValue("task", task);
                    fence.Parameters.AddWithValue("token", token);
                    fence.Parameters.AddWithValue("node", nodeId);
                    if (await fence.ExecuteScalarAsync(ct) is null)
                    {
                        throw new FencedOutException(task, token, current: null);
                    }
                }

                var result = await work(connection, transaction, ct);
                await transaction.CommitAsync(ct);
                return result;
            },
            cancellationToken);

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A leader write was refused: PostgreSQL has seen a newer leader.</summary>
public sealed class FencedOutException : Exception
{
    public FencedOutException()
    {
    }

    public FencedOutException(string message)
        : base(message)
    {
    }

    public FencedOutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal FencedOutException(string task, long token, long? current)
        : base(current is { } newer
            ? $"Leader task '{task}' with token {token} refused: PostgreSQL's token is {newer}"
            : $"Leader task '{task}' with token {token} refused: a newer leader already ran it")
    {
        Task = task;
        Token = token;
    }

    /// <summary>The task whose write was refused.</summary>
    public string? Task { get; }

    /// <summary>The token it ran with.</summary>
    public long Token { get; }
}
