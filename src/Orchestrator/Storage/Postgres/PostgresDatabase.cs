using Npgsql;
using Polly;
using Polly.Registry;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// The one way orchestrator code talks to PostgreSQL: opens a connection to the current
/// primary and runs the work under the <c>postgres</c> resilience pipeline, so a call that a
/// failover interrupts is retried on the new primary. Every piece of work passed here must be
/// idempotent: a write may have committed even when its reply was lost.
/// </summary>
internal sealed partial class PostgresDatabase(
    NpgsqlDataSource dataSource,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<PostgresDatabase> logger)
{
    public const string PipelineName = "postgres";

    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(PipelineName);

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Runs <paramref name="work"/> on an open connection to the primary, retrying transient failures.</summary>
    public async ValueTask<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(
            static async (state, ct) =>
            {
                try
                {
                    await using var connection = await state.dataSource.OpenConnectionAsync(ct);
                    return await state.work(connection, ct);
                }
                catch (Exception ex) when (PostgresErrors.MeansPrimaryMoved(ex))
                {
                    // Pooled connections may still point at the old primary: drop them all so
                    // the retry looks the primary up again.
                    LogPrimaryMoved(state.logger, ex.Message);
                    state.dataSource.Clear();
                    throw;
                }
            },
            (dataSource, work, logger),
            cancellationToken);

    /// <summary>Runs one statement and returns the number of rows it touched.</summary>
    public ValueTask<int> ExecuteAsync(string sql, Action<NpgsqlCommand>? parameters, CancellationToken cancellationToken) =>
        RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                parameters?.Invoke(command);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "PostgreSQL primary moved or is shutting down ({Reason}); clearing the connection pool and retrying")]
    private static partial void LogPrimaryMoved(ILogger logger, string reason);
}
