using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Monitoring;

/// <summary>The leader's topology watch puts node deaths and returns on the failover timeline.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class NodeTimelineTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task ANodeThatStopsBeating_IsRecordedDown_AndOnItsReturnUp_WithHowLongItWasGone()
    {
        await using var leader = await ReadyNode.StartAsync(infra, "timeline-leader", new Dictionary<string, string?> { ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:" });
        await leader.WaitToLeadAsync();
        var peer = $"timeline-peer-{Guid.NewGuid():N}"[..24];

        // A peer that beat until 40 s ago (dead for longer than three heartbeats).
        await ExecuteAsync(leader, "INSERT INTO nodes (node_id, version, started_at, last_seen_at) VALUES (@id, 'test', now() - interval '5 minutes', now() - interval '40 seconds')", peer);
        await Eventually.HoldsAsync(
            "the leader to record the peer down",
            async () => { var events = await EventsAsync(leader, peer); return (events.Any(e => e.To == "down"), string.Join("; ", events)); },
            TimeSpan.FromSeconds(15));

        // It comes back: a new start 30 s after its last heartbeat.
        await ExecuteAsync(leader, "UPDATE nodes SET started_at = last_seen_at + interval '30 seconds', last_seen_at = now() WHERE node_id = @id", peer);
        await Eventually.HoldsAsync(
            "the leader to record the peer up",
            async () => { var events = await EventsAsync(leader, peer); return (events.Count == 2 && events[1].To == "up", string.Join("; ", events)); },
            TimeSpan.FromSeconds(15));

        var back = (await EventsAsync(leader, peer))[1];
        Assert.Equal(30_000, back.DurationMs);
        Assert.StartsWith("back", back.Detail, StringComparison.Ordinal);

        // Nothing more while it stays up.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(2, (await EventsAsync(leader, peer)).Count);
    }

    private static async Task ExecuteAsync(ReadyNode node, string sql, string nodeId)
    {
        await using var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", nodeId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<List<(string? To, int? DurationMs, string? Detail)>> EventsAsync(ReadyNode node, string nodeId)
    {
        await using var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT to_value, duration_ms, detail FROM failover_events WHERE component = 'node' AND from_value = @id ORDER BY id", connection);
        command.Parameters.AddWithValue("id", nodeId);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<(string?, int?, string?)>();
        while (await reader.ReadAsync())
        {
            events.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return events;
    }
}
