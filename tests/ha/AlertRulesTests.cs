using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// The alert rules (deploy/prometheus/runnerhub.rules.yml) and the Grafana dashboard
/// (deploy/grafana/runnerhub-dashboard.json) read metrics by name: a metric renamed or never
/// published leaves an alert blind without any error. promtool checks their syntax; this checks
/// the names against what the running stack exposes.
/// </summary>
[Collection(StackGroup.Name)]
public sealed partial class AlertRulesTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Sources = ["deploy/prometheus/runnerhub.rules.yml", "deploy/grafana/runnerhub-dashboard.json"];

    private static readonly int[] OrchestratorPorts = [5001, 5002, 5003];

    // Counters that appear at their first event, which a healthy stack running one job need not have.
    private static readonly Dictionary<string, string> OnlyAfterTheirEvent = new(StringComparer.Ordinal)
    {
        ["runnerhub_jobs_failed_total"] = "the first dead job",
        ["runnerhub_ha_fenced_writes_total"] = "the first fenced leader write",
        ["runnerhub_ha_failover_events_total"] = "the first failover a node records",
    };

    private Uri Simulator => new($"http://127.0.0.1:{9000 + stack.Stack.PortOffset}");

    [Fact]
    public async Task Metrics_ExposeEveryNameTheAlertRulesAndDashboardRead_WhileAJobRuns()
    {
        var wanted = ReferencedMetrics();
        Assert.True(wanted.Count > 20, $"only {wanted.Count} metric names found in {string.Join(", ", Sources)}: is the pattern still right?");

        // One job, long enough for the queue gauges (refreshed every 10 s) to show its label set;
        // the job, webhook, GitHub and histogram series appear as it goes through.
        var request = new { count = 1, rate = 1, durationMs = 15_000, labelSets = new[] { new[] { "self-hosted", "linux", "x64" } }, repositories = new[] { "octo-org/octo-repo" } };
        long jobId;
        using (var created = await stack.Http.PostAsJsonAsync(new Uri(Simulator, "/jobs"), request))
        {
            Assert.True(created.IsSuccessStatusCode, $"POST /jobs: {created.StatusCode}");
            jobId = (long)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["firstJobId"]!;
        }

        // Every node, every second, until the job completed: the leader-only gauges are on one
        // node, each counter on the node that counted.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var expected = wanted.Keys.Where(name => !OnlyAfterTheirEvent.ContainsKey(name)).ToList();
        try
        {
            await Eventually.HoldsAsync(
                $"job {jobId} to complete and every metric the rules and dashboard read to be on /metrics",
                async () =>
                {
                    foreach (var port in OrchestratorPorts)
                    {
                        // /metrics needs an operator token, as Prometheus sends it (deploy/prometheus/prometheus.yml).
                        using var scrape = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port + stack.Stack.PortOffset}/metrics"));
                        scrape.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stack.Stack.Secret("operator-token"));
                        using var scraped = await stack.Http.SendAsync(scrape);
                        Assert.True(scraped.IsSuccessStatusCode, $"GET /metrics on port {port + stack.Stack.PortOffset}: {(int)scraped.StatusCode}");
                        var text = await scraped.Content.ReadAsStringAsync();
                        seen.UnionWith(SampleNames(text));
                    }

                    var job = JsonNode.Parse(await stack.Http.GetStringAsync(new Uri(Simulator, $"/jobs/{jobId}")))!;
                    var missing = expected.Where(name => !seen.Contains(name)).ToList();
                    return ((string?)job["status"] == "completed" && missing.Count == 0, $"job {job["status"]}; {Describe(missing, wanted)}");
                },
                TimeSpan.FromSeconds(120),
                TimeSpan.FromSeconds(1));
        }
        finally
        {
            foreach (var (name, after) in OnlyAfterTheirEvent.Where(kv => wanted.ContainsKey(kv.Key)))
            {
                output.WriteLine($"{name}: {(seen.Contains(name) ? "exposed" : $"not exposed yet, not required (appears at {after})")}");
            }
        }

        output.WriteLine($"{expected.Count} metric names of {string.Join(", ", Sources)} all exposed");
    }

    /// <summary>Metric name → the files that read it.</summary>
    private static Dictionary<string, List<string>> ReferencedMetrics()
    {
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var source in Sources)
        {
            var text = File.ReadAllText(Path.Combine(Repository.Root, source));
            foreach (var name in MetricName().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (!names.TryGetValue(name, out var files))
                {
                    names[name] = files = [];
                }

                files.Add(Path.GetFileName(source));
            }
        }

        return names;
    }

    private static IEnumerable<string> SampleNames(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.IndexOfAny(['{', ' '])]);

    private static string Describe(List<string> missing, Dictionary<string, List<string>> wanted) =>
        missing.Count == 0
            ? "every name exposed"
            : $"{missing.Count} not on any node's /metrics: " + string.Join("; ", missing.Order(StringComparer.Ordinal).Select(name => $"{name} (read by {string.Join(", ", wanted[name])})"));

    // A RunnerHub or ASP.NET Core request metric: not a recording rule's name (level:metric:op, so
    // no ':' before it) nor a wildcard in a comment (runnerhub_ha_*, ending in '_').
    [GeneratedRegex(@"(?<![A-Za-z0-9_:])(?:runnerhub|http_server)_[a-z0-9_]*[a-z0-9](?![A-Za-z0-9_:*])")]
    private static partial Regex MetricName();
}
