using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.IntegrationTests.Storage;

[Collection(InfrastructureGroup.Name)]
public sealed class SchemaMigratorTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task MigrateAsync_AppliesEachScriptOnce_WhenThreeNodesStartAtOnce()
    {
        var database = $"migrate_{Guid.NewGuid():N}";
        await using (var admin = PostgresFailoverTests.Services(infra, "migration-admin"))
        {
            await admin.GetRequiredService<PostgresDatabase>().ExecuteAsync($"CREATE DATABASE {database}", null, CancellationToken.None);
        }

        var builder = new NpgsqlConnectionStringBuilder(Normalized(infra.PostgresUri)) { Database = database };
        var nodes = Enumerable.Range(1, 3)
            .Select(i => PostgresFailoverTests.Services(infra, $"orchestrator-{i}", new Dictionary<string, string?> { ["Postgres:ConnectionString"] = builder.ConnectionString }))
            .ToList();
        try
        {
            var results = await Task.WhenAll(nodes.Select(n => n.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None)));

            // Exactly one node applied the scripts; the others waited on the lock and found nothing to do.
            var scripts = typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.Contains(".Migrations.", StringComparison.Ordinal));
            Assert.Single(results, r => r.Count == scripts);
            Assert.Equal(2, results.Count(r => r.Count == 0));
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT count(*), count(DISTINCT scriptname) FROM {SchemaMigrator.JournalTable}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(scripts, reader.GetInt64(0));
            Assert.Equal(scripts, reader.GetInt64(1));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            NpgsqlConnection.ClearAllPools();
            await using var admin = PostgresFailoverTests.Services(infra, "migration-admin");
            await admin.GetRequiredService<PostgresDatabase>().ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", null, CancellationToken.None);
        }
    }

    private static string Normalized(string uri) =>
        PostgresConnectionString.TryNormalize(uri, null, out var cs, out var error) ? cs : throw new InvalidOperationException(error);
}
