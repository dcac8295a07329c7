using Npgsql;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Retention's deletes, run inside the leader's fenced transaction: one bounded batch each,
/// oldest first, by PostgreSQL's clock (the same clock that stamped the rows). Rows another
/// transaction holds are skipped, not waited for: the next batch or run gets them.
/// </summary>
internal static class PostgresRetentionStore
{
    /// <summary>Deletes up to <paramref name="limit"/> deliveries received more than <paramref name="olderThan"/> ago.</summary>
    public static async ValueTask<int> DeleteDeliveriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan olderThan, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM deliveries WHERE delivery_id IN (
                SELECT delivery_id FROM deliveries
                WHERE received_at < now() - @age
                ORDER BY received_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("age", olderThan);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> jobs in state <c>completed</c> or <c>dead</c> that
    /// finished (<c>completed_at</c>, else <c>updated_at</c>) more than <paramref name="olderThan"/>
    /// ago. The expression and the state list match the partial index <c>jobs_finished_at</c>.
    /// </summary>
    public static async ValueTask<int> DeleteFinishedJobsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan olderThan, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM jobs WHERE job_id IN (
                SELECT job_id FROM jobs
                WHERE state IN ('completed', 'dead') AND COALESCE(completed_at, updated_at) < now() - @age
                ORDER BY COALESCE(completed_at, updated_at)
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("age", olderThan);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
