using System.Diagnostics.Metrics;
using Npgsql;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Monitoring;

/// <summary>
/// The <c>failover_events</c> table: leader changes (recorded by the takeover itself), Redis
/// master changes and PostgreSQL primary changes (recorded by the leader's watchers, fenced).
/// Counts each new event in <c>runnerhub_ha_failover_events_total</c> per component.
/// </summary>
internal sealed class FailoverTimeline
{
    private readonly Counter<long> _events;

    public FailoverTimeline(IMeterFactory meters)
    {
        _events = meters.Create(LeadershipMetrics.MeterName)
            .CreateCounter<long>("runnerhub.ha.failover_events", description: "Failovers this node recorded, per component (leader, redis, postgres).");
    }

    /// <summary>Counts a leader takeover this node made (its row is written with the takeover).</summary>
    public void LeaderChanged() => _events.Add(1, new KeyValuePair<string, object?>("component", "leader"));

    /// <summary>Counts an event the caller inserted with <see cref="InsertAsync"/> and committed.</summary>
    public void Counted(string component) => _events.Add(1, new KeyValuePair<string, object?>("component", component));

    /// <summary>Inserts an event in the caller's transaction, once per key; true when it was new.</summary>
    public static async ValueTask<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FailoverEvent failover, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO failover_events (event_key, component, from_value, to_value, duration_ms, detail)
            VALUES (@key, @component, @from, @to, @duration, @detail)
            ON CONFLICT (event_key) DO NOTHING
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("key", failover.Key);
        command.Parameters.AddWithValue("component", failover.Component);
        command.Parameters.AddWithValue("from", (object?)failover.From ?? DBNull.Value);
        command.Parameters.AddWithValue("to", (object?)failover.To ?? DBNull.Value);
        command.Parameters.AddWithValue("duration", failover.Duration is { } d ? (int)d.TotalMilliseconds : DBNull.Value);
        command.Parameters.AddWithValue("detail", (object?)failover.Detail ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}

/// <summary>One failover: <paramref name="Key"/> identifies it (a retry records it once).</summary>
internal sealed record FailoverEvent(string Key, string Component, string? From, string? To, TimeSpan? Duration, string? Detail);
