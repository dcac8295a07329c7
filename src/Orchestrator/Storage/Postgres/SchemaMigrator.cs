using DbUp;
using DbUp.Engine;
using DbUp.Postgresql;
using Npgsql;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/*.sql</c> scripts with DbUp, in name order, each once.
/// Three nodes may start at the same moment: a PostgreSQL session advisory lock makes them take
/// turns, so the second and third find nothing left to do. The lock dies with its session, so a
/// node killed mid-migration blocks nobody.
/// </summary>
internal sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    /// <summary>Advisory lock key: "RHSCHEMA" as ASCII, so it is recognisable in pg_locks.</summary>
    internal const long LockKey = 0x5248534348454D41;

    internal const string JournalTable = "schema_migrations";

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", LockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
                .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.Contains(".Storage.Postgres.Migrations.", StringComparison.Ordinal))
                .JournalToPostgresqlTable("public", JournalTable)
                .WithTransactionPerScript()
                .LogTo(logger)
                .Build();

            // DbUp is synchronous; keep it off the caller's thread.
            var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
            if (!result.Successful)
            {
                // An outage is retried by the caller; anything else is a defect in a script.
                if (result.Error is { } error && PostgresErrors.IsOutage(error))
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                }

                throw SchemaMigrationException.ForScript(result.ErrorScript?.Name, result.Error);
            }

            var applied = result.Scripts.Select(ScriptName).ToList();
            LogMigrated(logger, applied.Count, applied.Count == 0 ? "none" : string.Join(", ", applied));
            return applied;
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                unlock.Parameters.AddWithValue("key", LockKey);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private static string ScriptName(SqlScript script)
    {
        var name = script.Name;
        var marker = name.LastIndexOf(".Migrations.", StringComparison.Ordinal);
        return marker >= 0 ? name[(marker + ".Migrations.".Length)..] : name;
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Schema is up to date; {Count} migration(s) applied by this node: {Scripts}")]
    private static partial void LogMigrated(ILogger logger, int count, string scripts);
}
