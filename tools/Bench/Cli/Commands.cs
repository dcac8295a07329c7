using System.Globalization;
using RunnerHub.Bench.Anchors;
using RunnerHub.Bench.Report;
using RunnerHub.Bench.RunnerHubScenarios;
using StackExchange.Redis;

namespace RunnerHub.Bench.Cli;

/// <summary>The commands; each parses its options, reports every problem at once (exit 2), runs, and writes JSON.</summary>
internal static class Commands
{
    public const string Usage = """
        Usage: RunnerHub.Bench COMMAND [--option value ...]

        The measuring half of scripts/bench (which starts the stack and passes these options).
        Progress goes to stderr; results are JSON, to --output FILE or stdout.

        Commands:
          redis-list   the bare StackExchange.Redis list-queue anchor
                       --redis HOST:PORT --redis-password-file F [anchor options]
          hangfire     the Hangfire + PostgreSQL anchor (schema bench_hangfire, dropped after)
                       --postgres CONNSTR --postgres-password-file F [anchor options]
          dispatch     RunnerHub scenario 1 at one rate, through the GitHub simulator
                       --simulator URL --postgres CONNSTR --postgres-password-file F --rate N
                       [--duration S (20)] [--job-ms MS (0)] [--labels a,b,c (self-hosted,linux,x64)]
                       [--settle-timeout S (120)] [--watch name:pid,name:pid] (CPU and RSS sampled)
                       [--stack name:pid,...] (CPU of each with its descendants, per job)
                       [--idle-seconds S (0)] (the --stack processes' CPU with no jobs first)
                       [--metrics URL,URL,... --operator-token-file F] (the nodes' /metrics: each
                       dispatch step's mean, runnerhub_dispatch_step_seconds)
          intake       RunnerHub scenario 2: signed queued webhooks, closed loop, rising concurrency
                       --url WEBHOOK_URL --webhook-secret-file F --postgres CONNSTR --postgres-password-file F
                       [--concurrency 1,4,16,32,64,128] [--step-seconds S (10)] [--cleanup true|false (true)]
          growth-backlog  RunnerHub scenario 4 (backlog): dispatch with N jobs waiting for labels no runner has
                       --url WEBHOOK_URL --webhook-secret-file F --simulator URL --postgres CONNSTR
                       --postgres-password-file F [--sizes 100,10000,100000] [--rate N (50)] [--duration S (20)]
                       [--concurrency N (32)] [--settle-timeout S (120)]
          report       merges the result files, computes the ratios, prints the table
                       --dispatch FILE,FILE,... --intake FILE --anchors FILE,FILE,... --meta FILE
                       [--growth-backlog FILE] [--growth-slots SLOTS:FILE,SLOTS:FILE,...]
                       [--resources-rate N (200)] [--json-output FILE] [--markdown FILE]
                       or: --from RESULTS.json (a saved run's JSON, rendered again)
                       [--json-output FILE] [--markdown FILE]

        Anchor options: --rates 50,200,500 --duration S (20) --consumers N (32) --drain-jobs N (20000)
                        --settle-timeout S (60)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = BenchArguments.Parse(args[1..]);
        Func<Task>? run = args[0] switch
        {
            "redis-list" => RedisList(options, cancellationToken),
            "hangfire" => Hangfire(options, cancellationToken),
            "dispatch" => Dispatch(options, cancellationToken),
            "intake" => Intake(options, cancellationToken),
            "growth-backlog" => GrowthBacklog(options, cancellationToken),
            "report" => ReportCommand(options, cancellationToken),
            _ => null,
        };
        if (run is null)
        {
            await Console.Error.WriteLineAsync($"error: unknown command '{args[0]}'\n\n{Usage}");
            return 2;
        }

        options.RejectUnknown();
        if (options.Problems.Count > 0)
        {
            await Console.Error.WriteLineAsync($"error: {args[0]}: " + string.Join("; ", options.Problems));
            return 2;
        }

        await run();
        return 0;
    }

    private static AnchorSettings AnchorOptions(BenchArguments o) => new(
        o.Doubles("rates", [50, 200, 500], 1, 100_000),
        TimeSpan.FromSeconds(o.Double("duration", 20, 1, 3600)),
        o.Int("consumers", 32, 1, 10_000),
        o.Int("drain-jobs", 20_000, 1, 1_000_000),
        TimeSpan.FromSeconds(o.Double("settle-timeout", 60, 1, 3600)));

    /// <summary>A keyword connection string plus the password from its file (never on the command line).</summary>
    private static string Postgres(BenchArguments o)
    {
        var connection = o.Required("postgres");
        var password = o.SecretFile("postgres-password-file", required: false);
        return password.Length == 0 ? connection : connection.TrimEnd(';') + ";Password=" + password;
    }

    private static Func<Task> RedisList(BenchArguments o, CancellationToken ct)
    {
        var endpoint = o.Required("redis");
        var password = o.SecretFile("redis-password-file", required: false);
        var settings = AnchorOptions(o);
        var output = o.Optional("output");
        return async () =>
        {
            var config = ConfigurationOptions.Parse(endpoint);
            config.Password = password.Length == 0 ? null : password;
            config.AbortOnConnectFail = false;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(config);
            var result = await new RedisListQueueAnchor(redis, settings).RunAsync(ct);
            await BenchJson.WriteAsync(result, output, ct);
        };
    }

    private static Func<Task> Hangfire(BenchArguments o, CancellationToken ct)
    {
        var postgres = Postgres(o);
        var settings = AnchorOptions(o);
        var output = o.Optional("output");
        return async () => await BenchJson.WriteAsync(await new HangfireAnchor(postgres, settings).RunAsync(ct), output, ct);
    }

    private static Func<Task> Dispatch(BenchArguments o, CancellationToken ct)
    {
        var simulator = o.Url("simulator");
        var postgres = Postgres(o);
        var rate = o.Double("rate", 50, 1, 100_000);
        var duration = TimeSpan.FromSeconds(o.Double("duration", 20, 1, 3600));
        var jobMs = o.Int("job-ms", 0, 0, 600_000);
        var labels = (o.Optional("labels") ?? "self-hosted,linux,x64").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var settle = TimeSpan.FromSeconds(o.Double("settle-timeout", 120, 1, 3600));
        var watch = Watch(o, "watch");
        var stack = Watch(o, "stack");
        var idle = TimeSpan.FromSeconds(o.Double("idle-seconds", 0, 0, 600));
        var metrics = (o.Optional("metrics") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : null).ToList();
        if (metrics.Contains(null))
        {
            o.Problems.Add("--metrics must be absolute URLs, comma-separated");
        }

        var token = metrics.Count == 0 ? string.Empty : o.SecretFile("operator-token-file", required: true);
        var output = o.Optional("output");
        return async () =>
        {
            using var http = new HttpClient { BaseAddress = simulator, Timeout = TimeSpan.FromSeconds(30) };
            var sampler = stack.Count == 0 ? null : new ProcessTreeSampler(stack);
            var steps = metrics.Count == 0 ? null : new DispatchSteps(http, [.. metrics.OfType<Uri>()], token);
            var result = await new DispatchScenario(http, postgres, watch, sampler, idle, steps).RunAsync(rate, duration, jobMs, labels, settle, ct);
            await BenchJson.WriteAsync(result, output, ct);
        };
    }

    /// <summary>A <c>name:pid,name:pid</c> option (<c>--watch</c>, <c>--stack</c>).</summary>
    private static List<(string Name, int Pid)> Watch(BenchArguments o, string option)
    {
        var watch = new List<(string, int)>();
        foreach (var entry in (o.Optional(option) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                watch.Add((entry[..colon], pid));
            }
            else
            {
                o.Problems.Add($"--{option}: '{entry}' is not name:pid");
            }
        }

        return watch;
    }

    private static Func<Task> Intake(BenchArguments o, CancellationToken ct)
    {
        var url = o.Url("url");
        var secret = o.SecretFile("webhook-secret-file", required: true);
        var postgres = Postgres(o);
        var concurrency = o.Doubles("concurrency", [1, 4, 16, 32, 64, 128], 1, 4096).Select(c => (int)c).ToArray();
        var step = TimeSpan.FromSeconds(o.Double("step-seconds", 10, 1, 600));
        var cleanup = !string.Equals(o.Optional("cleanup"), "false", StringComparison.OrdinalIgnoreCase);
        var output = o.Optional("output");
        return async () =>
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency.Max() + 16, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            var webhooks = new SignedWebhooks(http, url, secret);
            var result = await new IntakeScenario(webhooks, postgres, concurrency, step, cleanup).RunAsync(url.ToString(), ct);
            await BenchJson.WriteAsync(result, output, ct);
        };
    }

    private static Func<Task> GrowthBacklog(BenchArguments o, CancellationToken ct)
    {
        var url = o.Url("url");
        var secret = o.SecretFile("webhook-secret-file", required: true);
        var simulator = o.Url("simulator");
        var postgres = Postgres(o);
        var sizes = o.Doubles("sizes", [100, 10_000, 100_000], 1, 1_000_000).Select(s => (int)s).ToArray();
        var rate = o.Double("rate", 50, 1, 100_000);
        var duration = TimeSpan.FromSeconds(o.Double("duration", 20, 1, 3600));
        var concurrency = o.Int("concurrency", 32, 1, 1024);
        var settle = TimeSpan.FromSeconds(o.Double("settle-timeout", 120, 1, 3600));
        var output = o.Optional("output");
        return async () =>
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency + 16 };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            using var sim = new HttpClient { BaseAddress = simulator, Timeout = TimeSpan.FromSeconds(30) };
            var webhooks = new SignedWebhooks(http, url, secret);
            var scenario = new BacklogScenario(webhooks, new DispatchScenario(sim, postgres, []), concurrency);
            await BenchJson.WriteAsync(await scenario.RunAsync(sizes, rate, duration, settle, ct), output, ct);
        };
    }

    private static Func<Task> ReportCommand(BenchArguments o, CancellationToken ct)
    {
        static string[] Files(string? list) => (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var from = o.Optional("from");
        var jsonOutput = o.Optional("json-output");
        var markdown = o.Optional("markdown");
        if (from is not null)
        {
            // A saved run's results (scripts/bench's JSON), rendered again: the table, and the
            // Markdown when asked (after a change to the report, without measuring again).
            return async () => await WriteReportAsync(await BenchReport.FromResultsAsync(from, ct), jsonOutput, markdown, ct);
        }

        var dispatch = Files(o.Required("dispatch"));
        var intake = o.Required("intake");
        var anchors = Files(o.Required("anchors"));
        var meta = o.Required("meta");
        var growthBacklog = o.Optional("growth-backlog");
        var growthSlots = Files(o.Optional("growth-slots"));
        var resourcesRate = o.Double("resources-rate", 200, 1, 100_000);
        return async () => await WriteReportAsync(
            await BenchReport.LoadAsync(dispatch, intake, anchors, meta, resourcesRate, growthBacklog, growthSlots, ct), jsonOutput, markdown, ct);
    }

    private static async Task WriteReportAsync(BenchReport report, string? jsonOutput, string? markdown, CancellationToken ct)
    {
        Console.WriteLine(report.Table());
        if (!string.IsNullOrEmpty(jsonOutput))
        {
            await BenchJson.WriteAsync(report.Document, jsonOutput, ct);
        }

        if (!string.IsNullOrEmpty(markdown))
        {
            await File.WriteAllTextAsync(markdown, report.Markdown(), ct);
        }
    }
}
