using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>The queue overview: unfinished jobs counted per label set, and the label sets runners offer.</summary>
internal sealed partial class PostgresJobStore
{
    // Two statements, one round trip. Read-only, so the retry pipeline may repeat them freely.
    private const string QueuesSql =
        """
        SELECT label_key,
               count(*) FILTER (WHERE state = 'queued'),
               count(*) FILTER (WHERE state = 'dispatched'),
               count(*) FILTER (WHERE state = 'in_progress'),
               min(accepted_at) FILTER (WHERE state = 'queued')
        FROM jobs
        WHERE state IN ('queued', 'dispatched', 'in_progress')
        GROUP BY label_key
        ORDER BY label_key
        """;

    private const string RunnerLabelSetsSql = "SELECT DISTINCT label_key FROM runners WHERE NOT removed";

    public async Task<QueueSnapshot> QueuesAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands = { new NpgsqlBatchCommand(QueuesSql), new NpgsqlBatchCommand(RunnerLabelSetsSql) },
                };
                await using var reader = await batch.ExecuteReaderAsync(ct);
                var queues = new List<QueueCounts>();
                while (await reader.ReadAsync(ct))
                {
                    queues.Add(new QueueCounts(
                        LabelSet.Parse(reader.GetString(0)),
                        reader.GetInt64(1),
                        reader.GetInt64(2),
                        reader.GetInt64(3),
                        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
                }

                await reader.NextResultAsync(ct);
                var runnerLabelSets = new List<LabelSet>();
                while (await reader.ReadAsync(ct))
                {
                    runnerLabelSets.Add(LabelSet.Parse(reader.GetString(0)));
                }

                return new QueueSnapshot(queues, runnerLabelSets);
            },
            cancellationToken);
}
