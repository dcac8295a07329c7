using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Storage;

[Collection(InfrastructureGroup.Name)]
public sealed class PostgresFailoverTests(InfrastructureFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task Writes_FollowTheNewPrimary_AfterThePrimaryNodeIsKilled()
    {
        await using var services = Services(infra, "pg-failover-test");
        var database = services.GetRequiredService<PostgresDatabase>();
        var table = $"failover_{Guid.NewGuid():N}";
        await database.ExecuteAsync($"CREATE TABLE {table} (id int PRIMARY KEY)", null, CancellationToken.None);
        await Insert(database, table, 1);

        var oldPrimaryPort = await infra.PostgresPrimaryPortAsync() ?? throw new InvalidOperationException("no primary before the test");
        var victim = InfrastructureFixture.PieceOnPort(await infra.Stack.StatusAsync(), oldPrimaryPort);
        var clock = Stopwatch.StartNew();
        await infra.KillAsync(victim);

        // One call rides through the failover on the resilience pipeline's retries, or answers
        // with an outage we retry here; either way the row must land on the new primary.
        var resumed = await Eventually.HoldsAsync(
            "a write to reach the new primary",
            async () =>
            {
                await Insert(database, table, 2);
                return (true, "inserted");
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(200));
        output.WriteLine($"writes resumed {resumed.TotalSeconds:0.00} s after kill -9 of {victim} (port {oldPrimaryPort})");

        var rows = await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand($"SELECT array_agg(id ORDER BY id), inet_server_port() FROM {table}", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                return (Ids: reader.GetFieldValue<int[]>(0), Port: reader.GetInt32(1));
            },
            CancellationToken.None);
        Assert.Equal([1, 2], rows.Ids);
        Assert.NotEqual(oldPrimaryPort, rows.Port);

        // Bring the old node back as a standby so later tests find the formation whole again.
        await infra.RestoreAsync(TimeSpan.FromSeconds(120));
        await Eventually.HoldsAsync(
            "the old primary to rejoin as a secondary",
            async () =>
            {
                var status = await infra.Stack.StatusAsync();
                var states = status["postgres"]!["nodes"]!.AsArray().Select(n => $"{n!["port"]}:{n["reportedState"]}").ToList();
                return (states.Count(s => s.EndsWith(":secondary", StringComparison.Ordinal)) == 1 && states.Any(s => s.EndsWith(":primary", StringComparison.Ordinal)), string.Join(", ", states));
            },
            TimeSpan.FromSeconds(120),
            TimeSpan.FromSeconds(1));
        output.WriteLine($"formation whole again {clock.Elapsed.TotalSeconds:0.0} s after the kill");
        await database.ExecuteAsync($"DROP TABLE {table}", null, CancellationToken.None);
    }

    internal static ServiceProvider Services(InfrastructureFixture infra, string nodeId, IDictionary<string, string?>? overrides = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(infra.Configuration(nodeId, overrides));
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddNode();
        services.AddPostgresStorage();
        return services.BuildServiceProvider();
    }

    private static async Task Insert(PostgresDatabase database, string table, int id) =>
        await database.ExecuteAsync(
            $"INSERT INTO {table} (id) VALUES (@id) ON CONFLICT (id) DO NOTHING",
            command => command.Parameters.AddWithValue("id", id),
            CancellationToken.None);
}
