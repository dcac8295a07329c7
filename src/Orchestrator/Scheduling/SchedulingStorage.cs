using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// This node's Hangfire storage on PostgreSQL. It is made by <see cref="SchedulingHost"/> once
/// the schema is migrated, never on the start-up path: Hangfire.PostgreSql installs its schema in
/// the constructor, synchronously, and by default retries a dead database there for about 30 s,
/// which would hold up the host's start and <c>/health/live</c>. Here one attempt fails fast and
/// the host retries. Everything that needs storage asks <see cref="Current"/> or waits.
/// </summary>
internal sealed class SchedulingStorage(NpgsqlDataSource dataSource, IOptions<SchedulingOptions> options, ILoggerFactory loggerFactory)
{
    /// <summary>Advisory lock key: "RHHANGFI" as ASCII, so three nodes install Hangfire's schema one after another.</summary>
    internal const long InstallLockKey = 0x524848414E474649;

    private readonly TaskCompletionSource<JobStorage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The storage once it exists; null until PostgreSQL has been reached.</summary>
    public JobStorage? Current => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;

    /// <summary>Completes when the storage exists.</summary>
    public Task<JobStorage> WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>One attempt to install Hangfire's schema and make the storage; throws when PostgreSQL does not answer.</summary>
    public async Task<JobStorage> CreateAsync(CancellationToken cancellationToken)
    {
        if (Current is { } existing)
        {
            return existing;
        }

        ConfigureGlobals(loggerFactory);
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = SchedulingQueues.Schema,
            PrepareSchemaIfNecessary = true,
            // A job's fetched mark is kept fresh while it runs, so a job of a node that died is
            // handed out again after this, not after Hangfire's default 30 minutes.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            QueuePollInterval = options.Value.PollInterval,
            // Fail at once; the caller retries without blocking anything (see the summary).
            StartupConnectionMaxRetries = 0,
            AllowDegradedModeWithoutStorage = false,
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", InstallLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // The constructor installs the schema synchronously: keep it off the caller's thread.
            var storage = await Task.Run(() => new PostgreSqlStorage(new DataSourceConnectionFactory(dataSource), storageOptions), cancellationToken);
            _ready.TrySetResult(storage);
            return storage;
        }
        finally
        {
            try
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                release.Parameters.AddWithValue("key", InstallLockKey);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex) when (PostgresErrors.IsOutage(ex) || ex is InvalidOperationException)
            {
                // The session is gone, and its lock with it; the install's own error matters more.
            }
        }
    }

    /// <summary>Stops handing Hangfire's log lines to this node's logger factory (it is about to be disposed).</summary>
    public void DetachLogging() => HangfireLogProvider.Instance.Detach(loggerFactory);

    // Hangfire keeps serializer and logging settings in process-wide statics: the same for every
    // node, so setting them again is harmless.
    private static void ConfigureGlobals(ILoggerFactory loggerFactory)
    {
        HangfireLogProvider.Instance.Attach(loggerFactory);
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(HangfireLogProvider.Instance);
    }
}
