namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>How the orchestrator reaches PostgreSQL, the system of record. Section <c>Postgres</c>.</summary>
public sealed class PostgresOptions
{
    /// <summary>Configuration section: <c>Postgres</c>.</summary>
    public const string SectionName = "Postgres";

    /// <summary>
    /// A libpq multi-host URI, as <c>pg_autoctl show uri --formation default</c> prints it
    /// (<c>postgres://user:pass@host1:5432,host2:5433/runnerhub?target_session_attrs=read-write</c>),
    /// or an Npgsql keyword connection string (<c>Host=h1:5432,h2:5433;Database=runnerhub;
    /// Target Session Attributes=primary</c>). Required. Unless the string says otherwise, the
    /// orchestrator adds <c>Timeout=3</c> and <c>Host Recheck Seconds=1</c> so that it finds a
    /// new primary within a second or two of a failover, <c>Max Auto Prepare=64</c> (the hot
    /// statements are prepared once per connection) and <c>Maximum Pool Size=50</c> (three nodes
    /// at Npgsql's default of 100 could take every connection PostgreSQL allows).
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How long one database call may keep retrying through a failover or a short outage before
    /// it gives up and the request answers 503. Default 15 s, which covers a pg_auto_failover
    /// promotion with the local stack's settings.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a node that had reached the primary stays ready (reporting Degraded) while the
    /// primary is unreachable, so a failover does not take every node out of HAProxy at once;
    /// requests meanwhile wait on <see cref="RetryBudget"/>. Default 10 s, above
    /// pg_auto_failover's promotion time in the local stack (about 6 s). Zero turns it off.
    /// </summary>
    public TimeSpan ReadinessGrace { get; set; } = TimeSpan.FromSeconds(10);
}
