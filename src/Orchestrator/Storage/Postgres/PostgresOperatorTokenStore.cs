using Npgsql;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>Operator tokens in PostgreSQL (<c>operator_tokens</c>). Every statement is idempotent, so the retry pipeline may repeat it.</summary>
internal sealed class PostgresOperatorTokenStore(PostgresDatabase database) : IOperatorTokenStore
{
    public async Task<OperatorTokenRegistration> RegisterAsync(byte[] tokenHash, string name, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                // Inserts, or reads back the row that holds the hash: a retry after a lost
                // commit finds its own row and answers AlreadyRegistered.
                await using var command = new NpgsqlCommand(
                    """
                    WITH inserted AS (
                        INSERT INTO operator_tokens (token_hash, name) VALUES (@hash, @name)
                        ON CONFLICT (token_hash) DO NOTHING
                        RETURNING 1
                    )
                    SELECT true, @name, NULL::timestamptz FROM inserted
                    UNION ALL
                    SELECT false, name, revoked_at FROM operator_tokens WHERE token_hash = @hash AND NOT EXISTS (SELECT 1 FROM inserted)
                    """,
                    connection);
                command.Parameters.AddWithValue("hash", tokenHash);
                command.Parameters.AddWithValue("name", name);
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct) || reader.GetBoolean(0))
                {
                    return OperatorTokenRegistration.Created;
                }

                return reader.GetString(1) != name ? OperatorTokenRegistration.OtherName
                    : !reader.IsDBNull(2) ? OperatorTokenRegistration.Revoked
                    : OperatorTokenRegistration.AlreadyRegistered;
            },
            cancellationToken);

    public async Task<string?> VerifyAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    WITH used AS (
                        UPDATE operator_tokens SET last_used_at = now()
                        WHERE token_hash = @hash AND revoked_at IS NULL
                          AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                    )
                    SELECT name FROM operator_tokens WHERE token_hash = @hash AND revoked_at IS NULL
                    """,
                    connection);
                command.Parameters.AddWithValue("hash", tokenHash);
                return await command.ExecuteScalarAsync(ct) as string;
            },
            cancellationToken);

    public async Task<IReadOnlyList<OperatorTokenInfo>> ListAsync(CancellationToken cancellationToken) =>
        await database.RunAsync<IReadOnlyList<OperatorTokenInfo>>(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    "SELECT name, created_at, last_used_at, revoked_at FROM operator_tokens ORDER BY revoked_at IS NOT NULL, name, created_at DESC", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var tokens = new List<OperatorTokenInfo>();
                while (await reader.ReadAsync(ct))
                {
                    tokens.Add(new OperatorTokenInfo(
                        reader.GetString(0),
                        reader.GetFieldValue<DateTimeOffset>(1),
                        reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
                }

                return tokens;
            },
            cancellationToken);

    public async Task<int> RevokeAsync(string name, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE operator_tokens SET revoked_at = now() WHERE name = @name AND revoked_at IS NULL",
            c => c.Parameters.AddWithValue("name", name),
            cancellationToken);
}
