using System.Diagnostics.CodeAnalysis;

namespace RunnerHub.Orchestrator.Operators;

internal static partial class OperatorTokenCommand
{
    public const string HelpText = """
        Usage: dotnet RunnerHub.Orchestrator.dll operator-token <command> [options] [--Section:Key=value ...]

        Manages the operator tokens that sign in to RunnerHub's pages, hubs and operator API
        (as 'Authorization: Bearer <token>' or on the /login page). Tokens are stored in
        PostgreSQL as SHA-256 hashes only. Reads the node's configuration (appsettings.json,
        environment variables such as Postgres__ConnectionString, --Section:Key=value) and
        migrates the schema first if needed.

        Commands:
          create --name NAME                    Create a token and print it once on stdout.
          create --name NAME --token-file FILE  Register the token in FILE instead (idempotent:
                                                running it again changes nothing).
          list [--json]                         List tokens (never the tokens themselves).
          revoke --name NAME                    Revoke every active token of NAME. Nodes refuse
                                                it within 30 s, browser sessions within 5.5 min.
          --help                                Show this help.

        NAME: 1-100 characters, no spaces (a person or a tool, e.g. alice, prometheus). A name
        may hold several tokens (create a new one, switch, then revoke the name's old ones).

        Exit codes: 0 done, 1 failed (database, unknown name, refused token), 2 usage or
        configuration error.

        """;

    /// <summary>A parsed command line.</summary>
    private sealed record CommandLine(string Action, string? Name, string? TokenFile, bool Json, bool Help, IReadOnlyList<string> ConfigurationArgs)
    {
        public static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLine? command, [NotNullWhen(false)] out string? error)
        {
            command = null;
            error = null;
            var rest = args.Length > 0 && args[0] == Verb ? args[1..] : args;
            string? action = null, name = null, tokenFile = null;
            bool json = false, help = false;
            var configuration = new List<string>();
            for (var i = 0; i < rest.Length; i++)
            {
                var arg = rest[i];
                var (key, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
                    ? (arg[..eq], arg[(eq + 1)..])
                    : (arg, null);
                switch (key)
                {
                    case "-h" or "--help" or "help":
                        help = true;
                        break;
                    case "--json":
                        json = true;
                        break;
                    case "--name" or "--token-file":
                        var value = inline ?? (i + 1 < rest.Length ? rest[++i] : null);
                        if (string.IsNullOrEmpty(value))
                        {
                            error = $"{key} needs a value";
                            return false;
                        }

                        if (key == "--name")
                        {
                            name = value;
                        }
                        else
                        {
                            tokenFile = value;
                        }

                        break;
                    case var k when k.StartsWith("--", StringComparison.Ordinal) && k.Contains(':', StringComparison.Ordinal):
                        // A configuration override, as the node takes them (--Postgres:ConnectionString=...).
                        configuration.Add(arg);
                        if (inline is null && i + 1 < rest.Length)
                        {
                            configuration.Add(rest[++i]);
                        }

                        break;
                    case var k when !k.StartsWith('-') && action is null:
                        action = k;
                        break;
                    default:
                        error = $"unexpected argument '{arg}'";
                        return false;
                }
            }

            if (help || action is null)
            {
                if (!help)
                {
                    error = "a command is required: create, list or revoke";
                    return false;
                }

                command = new CommandLine("help", null, null, false, true, configuration);
                return true;
            }

            error = action switch
            {
                "create" or "revoke" when name is null => $"{action} needs --name NAME",
                "create" or "revoke" when !OperatorTokenNames.IsValid(name) => "--name must be 1-100 characters without spaces or control characters",
                "revoke" or "list" when tokenFile is not null => $"--token-file only goes with create",
                "create" or "revoke" when json => "--json only goes with list",
                "list" when name is not null => "list takes no --name",
                "create" or "list" or "revoke" => null,
                _ => $"unknown command '{action}' (create, list or revoke)",
            };
            if (error is not null)
            {
                return false;
            }

            command = new CommandLine(action, name, tokenFile, json, false, configuration);
            return true;
        }
    }
}
