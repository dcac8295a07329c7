using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// <c>RunnerHub.Orchestrator operator-token create|list|revoke</c>: manages operator tokens in
/// PostgreSQL with the node's own configuration (appsettings.json, environment, <c>--Section:Key=value</c>).
/// Migrates the schema first (under the same advisory lock as the nodes, so it is safe while
/// they start). Exit codes: 0 done, 1 failed, 2 usage or configuration error.
/// </summary>
internal static partial class OperatorTokenCommand
{
    public const string Verb = "operator-token";
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int UsageError = ConfigurationErrors.ExitCode;

    private static readonly TimeSpan MigrationPatience = TimeSpan.FromSeconds(30);

    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Verb;

    /// <summary>Runs the command; <paramref name="configuration"/> replaces the node's configuration (tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!CommandLine.TryParse(args, out var command, out var usageError))
        {
            await stderr.WriteLineAsync($"{Verb}: {usageError}");
            await stderr.WriteLineAsync($"Run '{Verb} --help' for usage.");
            return UsageError;
        }

        if (command.Help)
        {
            await stdout.WriteAsync(HelpText);
            return Succeeded;
        }

        configuration ??= NodeConfiguration(command.ConfigurationArgs);
        await using var services = BuildServices(configuration);
        try
        {
            var store = await OpenAsync(services, stderr, cancellationToken);
            return command.Action switch
            {
                "create" when command.TokenFile is not null => await RegisterFileAsync(store, command.Name!, command.TokenFile, stderr, cancellationToken),
                "create" => await CreateAsync(store, command.Name!, stdout, stderr, cancellationToken),
                "list" => await ListAsync(store, command.Json, stdout, cancellationToken),
                "revoke" => await RevokeAsync(store, command.Name!, stderr, cancellationToken),
                _ => UsageError,
            };
        }
        catch (Exception ex) when (ConfigurationErrors.Failures(ex) is { Count: > 0 } failures)
        {
            await stderr.WriteLineAsync($"{Verb}: configuration is invalid:");
            foreach (var failure in failures)
            {
                await stderr.WriteLineAsync($"  - {failure}");
            }

            await stderr.WriteLineAsync("Settings come from appsettings.json, environment variables (Section__Key) and --Section:Key=value arguments.");
            return UsageError;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"{Verb}: failed: {ex.GetType().Name}: {ex.Message}");
            return Failed;
        }
    }

    private static async Task<int> CreateAsync(IOperatorTokenStore store, string name, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var token = Runners.Secrets.New(Runners.Secrets.OperatorTokenPrefix);
        await store.RegisterAsync(Runners.Secrets.Hash(token), name, ct);
        await stdout.WriteLineAsync(token);
        await stderr.WriteLineAsync($"Created an operator token named '{name}'. It is shown only this once and stored only hashed: keep it in a secret store.");
        return Succeeded;
    }

    private static async Task<int> RegisterFileAsync(IOperatorTokenStore store, string name, string file, TextWriter stderr, CancellationToken ct)
    {
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(file, ct)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"{Verb}: cannot read --token-file {file}: {ex.Message}");
            return Failed;
        }

        if (token.Length < OperatorTokenNames.MinTokenLength || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            await stderr.WriteLineAsync($"{Verb}: the token in {file} must be at least {OperatorTokenNames.MinTokenLength} characters on one line, without spaces.");
            return Failed;
        }

        switch (await store.RegisterAsync(Runners.Secrets.Hash(token), name, ct))
        {
            case OperatorTokenRegistration.Created:
                await stderr.WriteLineAsync($"Registered the token in {file} as operator '{name}'.");
                return Succeeded;
            case OperatorTokenRegistration.AlreadyRegistered:
                await stderr.WriteLineAsync($"The token in {file} is already registered as operator '{name}'; nothing to do.");
                return Succeeded;
            case OperatorTokenRegistration.Revoked:
                await stderr.WriteLineAsync($"{Verb}: the token in {file} was revoked; a revoked token is never accepted again. Put a new token in the file (or run create without --token-file).");
                return Failed;
            default:
                await stderr.WriteLineAsync($"{Verb}: the token in {file} is already registered under another name; not registering it as '{name}'.");
                return Failed;
        }
    }

    private static async Task<int> ListAsync(IOperatorTokenStore store, bool json, TextWriter stdout, CancellationToken ct)
    {
        var tokens = await store.ListAsync(ct);
        if (json)
        {
            await stdout.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(
                tokens.Select(t => new { name = t.Name, status = t.RevokedAt is null ? "active" : "revoked", createdAt = t.CreatedAt, lastUsedAt = t.LastUsedAt, revokedAt = t.RevokedAt })));
            return Succeeded;
        }

        await stdout.WriteLineAsync($"{"NAME",-24} {"STATUS",-8} {"CREATED",-20} {"LAST USED",-20} REVOKED");
        foreach (var t in tokens)
        {
            await stdout.WriteLineAsync($"{t.Name,-24} {(t.RevokedAt is null ? "active" : "revoked"),-8} {Time(t.CreatedAt),-20} {Time(t.LastUsedAt),-20} {Time(t.RevokedAt)}");
        }

        return Succeeded;
    }

    private static async Task<int> RevokeAsync(IOperatorTokenStore store, string name, TextWriter stderr, CancellationToken ct)
    {
        var revoked = await store.RevokeAsync(name, ct);
        if (revoked == 0)
        {
            await stderr.WriteLineAsync($"{Verb}: no active operator token named '{name}' (see '{Verb} list').");
            return Failed;
        }

        await stderr.WriteLineAsync(
            $"Revoked {revoked} token(s) named '{name}'. Nodes refuse them as bearer tokens within {OperatorTokenVerifier.CacheFor.TotalSeconds:0} s " +
            $"and end browser sessions signed in with them within {(OperatorCookieEvents.RecheckEvery + OperatorTokenVerifier.CacheFor).TotalMinutes:0.#} minutes.");
        return Succeeded;
    }

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The configuration a node reads: appsettings.json next to the binary (or in ASPNETCORE_CONTENTROOT), the environment, then arguments.</summary>
    private static IConfiguration NodeConfiguration(IReadOnlyList<string> configurationArgs)
    {
        var contentRoot = Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 } root ? root : AppContext.BaseDirectory;
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. configurationArgs])
            .Build();
    }

    private static ServiceProvider BuildServices(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.TryAddSingleton(TimeProvider.System);
        // Only names the CLI's PostgreSQL sessions (application_name runnerhub-operator-cli).
        services.AddOptions<NodeOptions>().Configure(o => o.Id = "operator-cli");
        services.AddPostgresStorage();
        services.TryAddSingleton<IOperatorTokenStore, PostgresOperatorTokenStore>();
        return services.BuildServiceProvider();
    }

    /// <summary>Validates the configuration and migrates the schema, waiting out a short outage (a failover, PostgreSQL just started).</summary>
    private static async Task<IOperatorTokenStore> OpenAsync(ServiceProvider services, TextWriter stderr, CancellationToken ct)
    {
        services.GetService<IStartupValidator>()?.Validate();
        var migrator = services.GetRequiredService<SchemaMigrator>();
        var deadline = DateTimeOffset.UtcNow + MigrationPatience;
        while (true)
        {
            try
            {
                var applied = await migrator.MigrateAsync(ct);
                if (applied.Count > 0)
                {
                    await stderr.WriteLineAsync($"Migrated the schema: {string.Join(", ", applied)}");
                }

                return services.GetRequiredService<IOperatorTokenStore>();
            }
            catch (Exception ex) when (PostgresErrors.IsOutage(ex) && DateTimeOffset.UtcNow < deadline)
            {
                await stderr.WriteLineAsync($"Waiting for the PostgreSQL primary: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
