using Npgsql;
using Polly.Timeout;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>Which PostgreSQL errors a failover or an outage produces.</summary>
internal static class PostgresErrors
{
    /// <summary>
    /// True for errors that may go away on another host or a moment later: connection failures
    /// (refused, reset, timed out, "no suitable host" while the standby is being promoted) and
    /// server states seen around a failover. A syntax or constraint error is not transient.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => IsTransientState(pg.SqlState),
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// True when the error means PostgreSQL is unreachable or failing over right now (after
    /// retries ran out): the caller should answer 503, not 500.
    /// </summary>
    public static bool IsOutage(Exception exception) =>
        IsTransient(exception) || exception is TimeoutRejectedException;

    /// <summary>
    /// True when pooled connections may point at a server that is no longer the primary: a
    /// demoted primary answers writes with 25006, a stopping one with 57P01-57P03.
    /// </summary>
    public static bool MeansPrimaryMoved(Exception exception) =>
        exception is PostgresException { SqlState: "25006" or "57P01" or "57P02" or "57P03" };

    private static bool IsTransientState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception class
        || sqlState is "25006" // read_only_sql_transaction: we reached a standby
            or "57P01" or "57P02" or "57P03" // admin/crash shutdown, cannot connect now
            or "40001" or "40P01" // serialization failure, deadlock
            or "53300"; // too many connections
}
