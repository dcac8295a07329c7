using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Turns the connection string an operator gives into the Npgsql form the orchestrator uses.
/// Npgsql reads only keyword strings, while pg_auto_failover hands out libpq URIs with several
/// hosts (<c>postgres://h1:5432,h2:5433/db?target_session_attrs=read-write</c>), which
/// <see cref="Uri"/> cannot parse either; hence this small translator.
/// </summary>
internal static class PostgresConnectionString
{
    // libpq URI parameters we understand, and the Npgsql keyword each maps to.
    private static readonly Dictionary<string, string> UriParameters = new(StringComparer.Ordinal)
    {
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
    };

    /// <summary>
    /// Parses <paramref name="input"/> (URI or keyword form) and fills in the failover-friendly
    /// defaults the caller did not set.
    /// </summary>
    public static bool TryNormalize(
        string input,
        string? applicationName,
        [NotNullWhen(true)] out string? connectionString,
        [NotNullWhen(false)] out string? error)
    {
        connectionString = null;
        try
        {
            var builder = input.StartsWith("postgres://", StringComparison.Ordinal) || input.StartsWith("postgresql://", StringComparison.Ordinal)
                ? FromUri(input)
                : new NpgsqlConnectionStringBuilder(input);

            if (string.IsNullOrEmpty(builder.Host))
            {
                error = "no host given";
                return false;
            }

            var given = new DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };
            if (!given.ContainsKey("Timeout"))
            {
                builder.Timeout = 3;
            }

            if (!given.ContainsKey("Host Recheck Seconds"))
            {
                builder.HostRecheckSeconds = 1;
            }

            if (!given.ContainsKey("Target Session Attributes") && builder.Host.Contains(',', StringComparison.Ordinal))
            {
                builder.TargetSessionAttributes = "primary";
            }

            // Every job runs the same dozen statements; prepared once per connection, PostgreSQL
            // stops parsing and planning them on every call (docs/benchmarks.md, "Where the time goes").
            if (!given.ContainsKey("Max Auto Prepare"))
            {
                builder.MaxAutoPrepare = 64;
            }

            // Npgsql's default of 100 a node let three nodes hold every connection PostgreSQL has
            // (the local stack's max_connections is 300, less 3 for superusers) after a burst,
            // and then the next node, pg_auto_failover or an operator's psql was refused.
            if (!given.ContainsKey("Maximum Pool Size"))
            {
                builder.MaxPoolSize = 50;
            }

            if (applicationName is not null && !given.ContainsKey("Application Name"))
            {
                builder.ApplicationName = applicationName;
            }

            connectionString = builder.ConnectionString;
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            error = ex.Message;
            return false;
        }
    }

    private static NpgsqlConnectionStringBuilder FromUri(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var builder = new NpgsqlConnectionStringBuilder();

        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        rest = queryStart >= 0 ? rest[..queryStart] : rest;

        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var database = pathStart >= 0 ? Uri.UnescapeDataString(rest[(pathStart + 1)..]) : "";
        var authority = pathStart >= 0 ? rest[..pathStart] : rest;

        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        // "h1:5432,h2:5433" is already Npgsql's multi-host syntax; reject empty entries early.
        var hosts = authority.Split(',');
        if (hosts.Any(h => h.Length == 0 || h.StartsWith(':')))
        {
            throw new FormatException($"the host list '{authority}' has an empty host");
        }

        builder.Host = authority;
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..]) : "";
            if (!UriParameters.TryGetValue(key, out var keyword))
            {
                throw new FormatException($"unsupported URI parameter '{key}' (supported: {string.Join(", ", UriParameters.Keys)})");
            }

            builder[keyword] = value;
        }

        return builder;
    }
}
