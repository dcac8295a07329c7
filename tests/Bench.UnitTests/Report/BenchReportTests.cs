using System.Text.Json.Nodes;
using RunnerHub.Bench.Report;

namespace RunnerHub.Bench.UnitTests.Report;

public sealed class BenchReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bench-report-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task LoadAsync_MarksAFailedOrMissingAnchorFailed_AndKeepsTheOthersAndTheirRatios()
    {
        var dispatch = Write("dispatch-50.json", """
            {"rate": 50, "achievedRate": 50, "jobs": 100, "acknowledged": 100,
             "webhookToRunner": {"p50Ms": 20, "p90Ms": 30, "p99Ms": 40, "maxMs": 50},
             "queuedToInProgress": {"p50Ms": 25, "p90Ms": 35, "p99Ms": 45, "maxMs": 55}, "processes": []}
            """);
        var intake = Write("intake.json", """{"steps": [], "best": {"perSecond": 800, "answer": {"p50Ms": 2, "p99Ms": 9}}}""");
        var meta = Write("meta.json", """{"command": "scripts/bench --quick", "quick": true, "consumers": 128}""");
        var redisList = Write("anchor-redis-list.json", """
            {"name": "redis-list", "description": "bare list", "consumers": 128,
             "latency": [{"rate": 50, "sent": 100, "received": 100, "latency": {"p50Ms": 2, "p90Ms": 3, "p99Ms": 4, "maxMs": 5}}],
             "throughput": {"jobs": 1000, "processed": 1000, "seconds": 0.5, "perSecond": 2000}}
            """);
        var hangfire = Write("anchor-hangfire.json", """
            {"name": "hangfire", "failed": true, "error": "exit 134: Npgsql.PostgresException: 53300: remaining connection slots are reserved"}
            """);
        var bullmq = Path.Combine(_dir, "anchor-bullmq.json");

        var report = await BenchReport.LoadAsync([dispatch], intake, [redisList, bullmq, hangfire], meta, 50, null, [], CancellationToken.None);

        var anchors = report.Document["anchors"]!.AsArray().Select(a => a!.AsObject()).ToArray();
        Assert.Equal(["redis-list", "bullmq", "hangfire"], anchors.Select(a => (string)a["name"]!));
        Assert.False((bool)anchors[0]["failed"]!);
        Assert.True((bool)anchors[1]["failed"]!);
        Assert.Contains("anchor-bullmq.json", (string)anchors[1]["error"]!, StringComparison.Ordinal);
        Assert.True((bool)anchors[2]["failed"]!);
        Assert.Equal("exit 134: Npgsql.PostgresException: 53300: remaining connection slots are reserved", (string)anchors[2]["error"]!);

        var ratios = report.Document["ratios"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        Assert.All(ratios.Where(r => (string)r["anchor"]! != "redis-list"), r => Assert.Null(r["value"]));
        Assert.Equal(10, (double)ratios.Single(r => (string)r["anchor"]! == "redis-list" && (string)r["figure"]! == "dispatch p50")["value"]!);
        Assert.Equal(0.4, (double)ratios.Single(r => (string)r["anchor"]! == "redis-list" && (string)r["figure"]! == "throughput")["value"]!);

        var table = report.Table();
        Assert.Matches(@"\n  hangfire +failed: exit 134: Npgsql\.PostgresException: 53300: remaining connection slots are reserved\r?\n", table);
        Assert.Matches(@"\n  bullmq +failed: no result in .*anchor-bullmq\.json", table);
        var throughputRow = table.Split('\n').Single(l => l.TrimStart().StartsWith("throughput", StringComparison.Ordinal));
        Assert.Equal(["throughput", "(intake", "÷", "drain)", "0.4×", "n/a", "n/a"], throughputRow.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("| hangfire | failed: exit 134: Npgsql.PostgresException: 53300: remaining connection slots are reserved |", report.Markdown(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ShowsEachAnchorsOwnConsumerCount()
    {
        var dispatch = Write("dispatch-50.json", """{"rate": 50, "webhookToRunner": {"p50Ms": 20, "p99Ms": 40}, "processes": []}""");
        var intake = Write("intake.json", """{"steps": [], "best": null}""");
        var meta = Write("meta.json", """{"consumers": 128}""");
        var hangfire = Write("anchor-hangfire.json", """
            {"name": "hangfire", "consumers": 32, "latency": [{"rate": 50, "sent": 100, "received": 100, "latency": {"p50Ms": 4}}],
             "throughput": {"jobs": 10, "processed": 10, "seconds": 1, "perSecond": 10}}
            """);

        var report = await BenchReport.LoadAsync([dispatch], intake, [hangfire], meta, 50, null, [], CancellationToken.None);

        var rows = report.Table().Split('\n').Where(l => l.TrimStart().StartsWith("hangfire", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, row => Assert.Equal("32", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        Assert.False((bool)report.Document["anchors"]![0]!["failed"]!);
    }

    [Fact]
    public async Task Table_ShowsCpuPerJobByComponent_LessTheIdleStack_AndTheRateTheCoresCarry()
    {
        // 100 jobs over 10 s busy, after 5 s idle. Ticks are 1/100 s: the orchestrator used 50 idle
        // (10 a second), so 100 of its 300 busy ticks are idle: (300 - 100) x 10 ms / 100 jobs = 20 ms.
        // runner-1's tree: 40 ticks, 10 its own; the 30 of its job processes go to the simulated runners.
        var dispatch = Write("dispatch-50.json", """
            {"rate": 50, "jobs": 100, "webhookToRunner": {"p50Ms": 20, "p99Ms": 40}, "processes": [],
             "stackCpu": {"idleSeconds": 5, "busySeconds": 10,
               "idle": [{"name": "orchestrator-1", "ticks": 50, "ownTicks": 50}, {"name": "runner-1", "ticks": 0, "ownTicks": 0},
                        {"name": "pg-node-1", "ticks": 0, "ownTicks": 0}],
               "busy": [{"name": "orchestrator-1", "ticks": 300, "ownTicks": 300}, {"name": "runner-1", "ticks": 40, "ownTicks": 10},
                        {"name": "pg-node-1", "ticks": 80, "ownTicks": 1}]}}
            """);
        var intake = Write("intake.json", """{"steps": [], "best": null}""");
        var meta = Write("meta.json", """{"consumers": 32, "machine": {"cores": 2}}""");

        var report = await BenchReport.LoadAsync([dispatch], intake, [], meta, 50, null, [], CancellationToken.None);

        var table = report.Table();
        Assert.Contains("6. Where the time goes", table, StringComparison.Ordinal);
        string[] Row(string start) => table.Split('\n').Select(l => l.TrimStart()).Single(l => l.StartsWith(start, StringComparison.Ordinal))[start.Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["10", "20"], Row("orchestrators"));
        Assert.Equal(["0", "1"], Row("proxy runners"));
        Assert.Equal(["0", "3"], Row("simulated runners (run.sh)"));
        Assert.Equal(["0", "8"], Row("PostgreSQL (nodes, monitor, pg_autoctl)"));
        Assert.Equal(["10", "32"], Row("total"));
        // 2 cores x 1000 ms / 32 ms per job, rounded down.
        Assert.Equal(["62"], Row("jobs/s 2 cores can carry at that cost"));
    }

    [Fact]
    public async Task FromResultsAsync_RendersASavedRunAsTheRunDid()
    {
        var dispatch = Write("dispatch-50.json", """
            {"rate": 50, "achievedRate": 49, "jobs": 100, "acknowledged": 100,
             "webhookToRunner": {"p50Ms": 20, "p90Ms": 30, "p99Ms": 40, "maxMs": 50},
             "queuedToInProgress": {"p50Ms": 25, "p90Ms": 35, "p99Ms": 45, "maxMs": 55}, "processes": []}
            """);
        var intake = Write("intake.json", """{"steps": [], "best": {"perSecond": 800, "answer": {"p50Ms": 2, "p99Ms": 9}}}""");
        var meta = Write("meta.json", """{"command": "scripts/bench", "quick": false, "consumers": 32, "machine": {"cores": 2}}""");
        var redisList = Write("anchor-redis-list.json", """
            {"name": "redis-list", "consumers": 32,
             "latency": [{"rate": 50, "sent": 100, "received": 100, "latency": {"p50Ms": 2, "p90Ms": 3, "p99Ms": 4, "maxMs": 5}}],
             "throughput": {"jobs": 1000, "processed": 1000, "seconds": 0.5, "perSecond": 2000}}
            """);
        var run = await BenchReport.LoadAsync([dispatch], intake, [redisList], meta, 50, null, [], CancellationToken.None);
        var saved = Write("results.json", run.Document.ToJsonString());

        var again = await BenchReport.FromResultsAsync(saved, CancellationToken.None);

        Assert.Equal(run.Table(), again.Table());
        Assert.Equal(run.Markdown(), again.Markdown());
        Assert.Equal(run.Document.ToJsonString(), again.Document.ToJsonString());
        await Assert.ThrowsAsync<InvalidDataException>(() => BenchReport.FromResultsAsync(intake, CancellationToken.None));
    }

    private string Write(string name, string json)
    {
        Assert.NotNull(JsonNode.Parse(json));
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }
}
