using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.IntegrationTests.Runners;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Dashboard;

/// <summary>The dashboard hub on a real node: live snapshots, job search and pages, and audited operator actions.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class DashboardHubTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Snapshots_ShowTheNodeAsLeader_AndANewJobWithItsQueue_WithinSeconds()
    {
        var label = $"dash-{Guid.NewGuid():N}"[..20];
        await using var node = await StartAsync("dashboard-snapshot");
        await node.WaitToLeadAsync();
        var (hub, snapshots) = await ConnectAsync(node);
        await using var _ = hub;

        var jobId = WebhookClient.NewJobId();
        using (var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await Eventually.HoldsAsync(
            "a snapshot with the job and its queue",
            () =>
            {
                var last = snapshots.Latest;
                var job = last?["jobs"]?.AsArray().FirstOrDefault(j => (long?)j!["jobId"] == jobId);
                var queue = last?["queues"]?.AsArray().FirstOrDefault(q => q!["labels"]!.AsArray().Any(l => (string?)l == label));
                return Task.FromResult((job is not null && queue is not null, last?.ToJsonString() ?? "no snapshot yet"));
            },
            TimeSpan.FromSeconds(10));

        var latest = snapshots.Latest!;
        Assert.Equal("dashboard-snapshot", (string?)latest["servedBy"]);
        Assert.Equal("operator", (string?)latest["operator"]);
        Assert.Equal("dashboard-snapshot", (string?)latest["cluster"]!["leader"]!["nodeId"]);
        Assert.True((long?)latest["cluster"]!["leader"]!["token"] > 0, "the leader's fencing token is shown");
        var self = latest["cluster"]!["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "dashboard-snapshot")!;
        Assert.True((bool)self["healthy"]! && (bool)self["leader"]!, self.ToJsonString());
        var queueRow = latest["queues"]!.AsArray().Single(q => q!["labels"]!.AsArray().Any(l => (string?)l == label))!;
        Assert.Equal(1, (long)queueRow["queued"]!);
        Assert.False((bool)queueRow["servable"]!, "no runner has the label");
        Assert.NotNull(queueRow["oldestWaitSeconds"]);
        Assert.Equal(60, latest["charts"]!["minutes"]!.AsArray().Count);
        Assert.True((long)latest["charts"]!["received"]!.AsArray()[^1]! >= 1 || (long)latest["charts"]!["received"]!.AsArray()[^2]! >= 1, "this minute (or the last, at a minute's turn) counts the job");
        Assert.Empty(latest["errors"]!.AsArray());
    }

    [Fact]
    public async Task SearchAndJobPage_FindTheJobByIdAndRepository_WithItsStepsAndDeliveries()
    {
        var label = $"dash-{Guid.NewGuid():N}"[..20];
        await using var node = await StartAsync("dashboard-search");
        var (hub, _) = await ConnectAsync(node);
        await using var _ = hub;
        var jobId = WebhookClient.NewJobId();
        using (var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var byId = await hub.InvokeAsync<JsonArray>("SearchJobs", jobId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var found = Assert.Single(byId);
        var repository = (string)found!["repository"]!;
        Assert.Equal("queued", (string?)found["state"]);

        var byRepository = await hub.InvokeAsync<JsonArray>("SearchJobs", repository[^6..].ToUpperInvariant());
        Assert.Contains(byRepository, j => (long?)j!["jobId"] == jobId);
        Assert.Empty(await hub.InvokeAsync<JsonArray>("SearchJobs", "no-such-repository-%_"));

        var page = await hub.InvokeAsync<JsonObject?>("GetJob", jobId);
        Assert.NotNull(page);
        var step = Assert.Single(page["events"]!.AsArray());
        Assert.Equal("queued", (string?)step!["state"]);
        var delivery = Assert.Single(page["deliveries"]!.AsArray());
        Assert.Equal(("workflow_job", "queued", 200), ((string?)delivery!["event"], (string?)delivery["action"], (int?)delivery["statusCode"]));
        Assert.Null(await hub.InvokeAsync<JsonObject?>("GetJob", WebhookClient.NewJobId()));
    }

    [Fact]
    public async Task RetryingADeadJob_QueuesItWithAFreshAttemptBudget_AndTheAuditLogNamesTheOperator()
    {
        var label = $"dash-{Guid.NewGuid():N}"[..20];
        await using var node = await StartAsync("dashboard-retry");
        var (hub, snapshots) = await ConnectAsync(node);
        await using var _ = hub;
        var jobId = WebhookClient.NewJobId();
        using (var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var refused = await hub.InvokeAsync<JsonObject>("RetryJob", jobId);
        Assert.False((bool)refused["ok"]!);
        Assert.Contains("not dead", (string?)refused["message"], StringComparison.Ordinal);

        // As the lease expiry leaves a job after its last failed attempt.
        await ExecuteAsync(node, "UPDATE jobs SET state = 'dead', attempt = 3, dead_reason = 'no runner confirmed the job after 3 failed dispatch attempt(s)' WHERE job_id = @id", jobId);
        var retried = await hub.InvokeAsync<JsonObject>("RetryJob", jobId);
        Assert.True((bool)retried["ok"]!, retried.ToJsonString());

        var (state, attempt, forgiven, deadReason) = await RowAsync(node, jobId);
        Assert.Equal(("queued", 3, 3, (string?)null), (state, attempt, forgiven, deadReason));

        var page = await hub.InvokeAsync<JsonObject>("GetJob", jobId);
        Assert.Equal(["queued", "dead", "queued"], page["events"]!.AsArray().Select(e => (string?)e!["state"]));
        var audit = Assert.Single(page["audit"]!.AsArray());
        Assert.Equal(("operator", "retry-job", "dashboard-retry"), ((string?)audit!["operator"], (string?)audit["action"], (string?)audit["node"]));

        await Eventually.HoldsAsync(
            "the live audit list to show the retry",
            () => Task.FromResult((snapshots.Latest?["audit"]?.AsArray().Any(a => (string?)a!["target"] == jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)) == true, snapshots.Latest?["audit"]?.ToJsonString() ?? "none")),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DrainingARunner_FromTheHub_ShowsItDraining_AndIsAudited_UnknownRunnersAreRefused()
    {
        await using var node = await StartAsync("dashboard-drain");
        var name = $"dash-runner-{Guid.NewGuid():N}"[..24];
        await using var runner = await TestRunner.ConnectAsync(node, infra.OperatorToken, name, ["self-hosted", "linux"]);
        await runner.Hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(4, 4, [], "test"));
        var (hub, snapshots) = await ConnectAsync(node);
        await using var _ = hub;

        var drained = await hub.InvokeAsync<JsonObject>("DrainRunner", name);
        Assert.True((bool)drained["ok"]!, drained.ToJsonString());
        await Eventually.HoldsAsync(
            "the runner to show draining",
            async () =>
            {
                // Online means heard from within Runners:OfflineAfter (2 s here): the test runner beats.
                await runner.Hub.InvokeAsync(nameof(IRunnerHub.Heartbeat), new RunnerHeartbeat(4, []));
                var row = snapshots.Latest?["runners"]?.AsArray().FirstOrDefault(r => (string?)r!["name"] == name);
                return ((string?)row?["status"] == "draining", row?.ToJsonString() ?? "no row");
            },
            TimeSpan.FromSeconds(10));

        var unknown = await hub.InvokeAsync<JsonObject>("DrainRunner", "no-such-runner");
        Assert.False((bool)unknown["ok"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/audit?target={name}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        using var response = await node.Client.SendAsync(request);
        var audit = Assert.Single((await response.Content.ReadFromJsonAsync<JsonArray>())!);
        Assert.Equal("drain-runner", (string?)audit!["action"]);
    }

    private async Task<ReadyNode> StartAsync(string nodeId) =>
        await ReadyNode.StartAsync(infra, nodeId, new Dictionary<string, string?> { ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:" });

    private async Task<(HubConnection Hub, SnapshotInbox Snapshots)> ConnectAsync(ReadyNode node)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Factory.Server.BaseAddress, "/hubs/dashboard"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => node.Factory.Server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(infra.OperatorToken);
            })
            .Build();
        var inbox = new SnapshotInbox();
        hub.On<JsonElement>("snapshot", s => inbox.Latest = JsonNode.Parse(s.GetRawText())!.AsObject());
        await hub.StartAsync();
        return (hub, inbox);
    }

    private static async Task ExecuteAsync(ReadyNode node, string sql, long jobId)
    {
        await using var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", jobId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<(string State, int Attempt, int Forgiven, string? DeadReason)> RowAsync(ReadyNode node, long jobId)
    {
        await using var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT state, attempt, attempts_forgiven, dead_reason FROM jobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private sealed class SnapshotInbox
    {
        private volatile JsonObject? _latest;

        public JsonObject? Latest
        {
            get => _latest;
            set => _latest = value;
        }
    }
}
