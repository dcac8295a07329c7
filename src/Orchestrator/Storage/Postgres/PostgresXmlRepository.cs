using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// The Data Protection key ring in PostgreSQL (<c>data_protection_keys</c>), shared by every
/// node so a session cookie one node issues is accepted by the others. Data Protection calls
/// this synchronously and rarely (at start, then about once a day, and when it makes a key),
/// so blocking on the database here is acceptable. Until this node has migrated the schema it
/// fails at once rather than wait on a table that may not exist: Data Protection preloads the
/// ring at start-up (and only logs a failure), and a node must start while PostgreSQL is away.
/// </summary>
internal sealed class PostgresXmlRepository(PostgresDatabase database, SchemaState schema) : IXmlRepository
{
    /// <summary>Advisory lock key: "RHDPKEYS" as ASCII. Held while a node decides whether to make the first key.</summary>
    internal const long KeyCreationLockKey = 0x524844504B455953;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!schema.IsReady)
        {
            throw new InvalidOperationException("The session key ring is not readable yet: this node has not migrated the schema.");
        }

        return database.RunAsync<IReadOnlyCollection<XElement>>(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var elements = new List<XElement>();
                while (await reader.ReadAsync(ct))
                {
                    elements.Add(XElement.Parse(reader.GetString(0)));
                }

                return elements;
            },
            CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (!schema.IsReady)
        {
            // Data Protection makes a key when it could not read any: refused here, or every node
            // that starts together would store its own (see SessionKeyBootstrap).
            throw new InvalidOperationException("The session key ring is not writable yet: this node has not migrated the schema.");
        }

        database.ExecuteAsync(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING",
            c =>
            {
                c.Parameters.AddWithValue("name", friendlyName);
                c.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
            },
            CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding a PostgreSQL advisory lock, so nodes that start
    /// together take turns deciding whether the first key is still missing.
    /// </summary>
    public async Task RunExclusiveAsync(Action work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", KeyCreationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // Data Protection is synchronous; keep it off the caller's thread.
            await Task.Run(work, cancellationToken);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                unlock.Parameters.AddWithValue("key", KeyCreationLockKey);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }
}
