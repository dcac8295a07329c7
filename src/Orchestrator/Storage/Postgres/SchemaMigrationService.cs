namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Brings the schema up to date at start-up without blocking the process: while PostgreSQL is
/// unreachable it keeps trying (the node answers <c>/health/live</c> but is not ready); a
/// broken script stops the node with exit code 1.
/// </summary>
internal sealed partial class SchemaMigrationService(
    SchemaMigrator migrator,
    SchemaState state,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SchemaMigrationService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                state.MarkReady(await migrator.MigrateAsync(stoppingToken));
                return;
            }
            catch (SchemaMigrationException ex)
            {
                LogMigrationBroken(logger, ex);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && PostgresErrors.IsOutage(ex))
            {
                LogWaitingForDatabase(logger, attempt, ex.Message);
            }

            await Task.Delay(delay, time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    [LoggerMessage(EventId = 1220, Level = LogLevel.Warning, Message = "Waiting for the PostgreSQL primary to migrate the schema (attempt {Attempt}): {Reason}")]
    private static partial void LogWaitingForDatabase(ILogger logger, int attempt, string reason);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Critical, Message = "Schema migration failed; stopping this node")]
    private static partial void LogMigrationBroken(ILogger logger, Exception exception);
}
