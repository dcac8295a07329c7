using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.IntegrationTests.Storage;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.IntegrationTests.Operators;

[Collection(InfrastructureGroup.Name)]
public sealed class OperatorTokenStoreTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private ServiceProvider? _services;

    private PostgresDatabase Database => _services!.GetRequiredService<PostgresDatabase>();

    private PostgresOperatorTokenStore Store => new(Database);

    public async Task InitializeAsync()
    {
        _services = PostgresFailoverTests.Services(infra, "operator-store");
        await _services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services!.DisposeAsync();

    [Fact]
    public async Task RegisterVerifyRevoke_WorkByHash_AndStoreNoPlaintext()
    {
        var name = $"alice-{Guid.NewGuid():N}";
        var token = Secrets.New(Secrets.OperatorTokenPrefix);
        var hash = Secrets.Hash(token);

        Assert.Equal(OperatorTokenRegistration.Created, await Store.RegisterAsync(hash, name, CancellationToken.None));
        Assert.Equal(name, await Store.VerifyAsync(hash, CancellationToken.None));
        Assert.Null(await Store.VerifyAsync(Secrets.Hash(token + "x"), CancellationToken.None));

        // Nothing in the row is the token: every column as text, the hash column as hex and base64 too.
        var row = await Database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand("SELECT t::text, encode(token_hash, 'escape') FROM operator_tokens t WHERE name = @name", connection);
                command.Parameters.AddWithValue("name", name);
                await using var reader = await command.ExecuteReaderAsync(ct);
                Assert.True(await reader.ReadAsync(ct));
                return reader.GetString(0) + reader.GetString(1);
            },
            CancellationToken.None);
        Assert.DoesNotContain(token, row, StringComparison.Ordinal);
        Assert.DoesNotContain(token[Secrets.OperatorTokenPrefix.Length..], row, StringComparison.Ordinal);

        var listed = Assert.Single(await Store.ListAsync(CancellationToken.None), t => t.Name == name);
        Assert.Null(listed.RevokedAt);
        Assert.NotNull(listed.LastUsedAt);

        Assert.Equal(1, await Store.RevokeAsync(name, CancellationToken.None));
        Assert.Null(await Store.VerifyAsync(hash, CancellationToken.None));
        Assert.Equal(0, await Store.RevokeAsync(name, CancellationToken.None));
        Assert.NotNull(Assert.Single(await Store.ListAsync(CancellationToken.None), t => t.Name == name).RevokedAt);
    }

    [Fact]
    public async Task Register_IsIdempotentForTheSameName_AndRefusesAnotherNameOrARevokedToken()
    {
        var name = $"bob-{Guid.NewGuid():N}";
        var hash = Secrets.Hash(Secrets.New(Secrets.OperatorTokenPrefix));

        Assert.Equal(OperatorTokenRegistration.Created, await Store.RegisterAsync(hash, name, CancellationToken.None));
        Assert.Equal(OperatorTokenRegistration.AlreadyRegistered, await Store.RegisterAsync(hash, name, CancellationToken.None));
        Assert.Equal(OperatorTokenRegistration.OtherName, await Store.RegisterAsync(hash, name + "-other", CancellationToken.None));

        await Store.RevokeAsync(name, CancellationToken.None);
        Assert.Equal(OperatorTokenRegistration.Revoked, await Store.RegisterAsync(hash, name, CancellationToken.None));
        Assert.Null(await Store.VerifyAsync(hash, CancellationToken.None));
    }

    [Fact]
    public async Task Verify_RecordsLastUse_AtMostOnceAMinute()
    {
        var name = $"carol-{Guid.NewGuid():N}";
        var hash = Secrets.Hash(Secrets.New(Secrets.OperatorTokenPrefix));
        await Store.RegisterAsync(hash, name, CancellationToken.None);

        await Store.VerifyAsync(hash, CancellationToken.None);
        var first = Assert.Single(await Store.ListAsync(CancellationToken.None), t => t.Name == name).LastUsedAt;
        await Task.Delay(20);
        await Store.VerifyAsync(hash, CancellationToken.None);
        var second = Assert.Single(await Store.ListAsync(CancellationToken.None), t => t.Name == name).LastUsedAt;

        Assert.NotNull(first);
        Assert.Equal(first, second);
    }
}
