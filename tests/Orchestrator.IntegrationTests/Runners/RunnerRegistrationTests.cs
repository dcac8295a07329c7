using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using RunnerHub.Contracts.Hub;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Runners;

[Collection(InfrastructureGroup.Name)]
public sealed class RunnerRegistrationTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private ReadyNode _node = null!;

    private HttpClient Client => _node.Client;

    public async Task InitializeAsync() => _node = await ReadyNode.StartAsync(infra, "orchestrator-31");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task OperatorApi_Is401_WithoutTheOperatorToken()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync("/api/runners")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.PostAsync("/api/runners/registration-tokens", null)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/runners");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-operator-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Register_NeedsAValidToken_AndReRegisteringKeepsTheRunnersId()
    {
        var name = $"runner-{Guid.NewGuid():N}"[..20];
        var token = await CreateTokenAsync();

        var refused = await Client.PostAsJsonAsync("/api/runners/register", new RegisterRunnerRequest("rhr_not-a-token", name, ["self-hosted"], 1));
        var invalid = await Client.PostAsJsonAsync("/api/runners/register", new RegisterRunnerRequest(token, "has space", [], 0));
        var first = await RegisterAsync(token, name, ["self-hosted", "Linux"]);
        var again = await RegisterAsync(token, name, ["self-hosted", "linux", "gpu"]);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problems = JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["labels", "name", "slots"], problems.Select(p => p.Key).Order());
        Assert.Equal(first.RunnerId, again.RunnerId);
        Assert.NotEqual(first.Credential, again.Credential);
        var listed = await RunnerAsync(name);
        Assert.Equal("offline", (string?)listed["status"]);
        Assert.Empty(listed["runningJobs"]!.AsArray());
        Assert.Equal(["gpu", "linux", "self-hosted"], listed["labels"]!.AsArray().Select(l => (string?)l));
    }

    [Fact]
    public async Task Hub_BringsARunnerOnline_RelaysDrain_AndShutsOutARemovedRunner()
    {
        var name = $"runner-{Guid.NewGuid():N}"[..20];
        var registered = await RegisterAsync(await CreateTokenAsync(), name, ["self-hosted", "linux"]);
        var drains = new List<bool>();
        await using var hub = Connect(registered.Credential);
        hub.On<bool>(nameof(IRunnerClient.Drain), d => { lock (drains) { drains.Add(d); } });
        await hub.StartAsync();

        var ack = await hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(2, 2, [], "test"));

        Assert.Equal(registered.RunnerId, ack.RunnerId);
        Assert.Equal("orchestrator-31", ack.NodeId);
        var online = await RunnerAsync(name);
        Assert.Equal("online", (string?)online["status"]);
        Assert.Equal("orchestrator-31", (string?)online["node"]);
        Assert.Equal(2, (int?)online["freeSlots"]);

        Assert.Equal(HttpStatusCode.NoContent, (await OperatorAsync(HttpMethod.Post, $"/api/runners/{name}/drain")).StatusCode);
        await hub.InvokeAsync(nameof(IRunnerHub.Heartbeat), new RunnerHeartbeat(2, []));
        await Eventually.HoldsAsync("the drain to reach the runner", () => Task.FromResult((Contains(drains, true), $"drains seen: {drains.Count}")), TimeSpan.FromSeconds(5));
        Assert.Equal("draining", (string?)(await RunnerAsync(name))["status"]);

        Assert.Equal(HttpStatusCode.NoContent, (await OperatorAsync(HttpMethod.Delete, $"/api/runners/{name}")).StatusCode);

        // Either the hub closes the connection on this heartbeat, or (long polling re-authenticates
        // every poll) the transport is refused first; both end the connection.
        await Record.ExceptionAsync(() => hub.InvokeAsync(nameof(IRunnerHub.Heartbeat), new RunnerHeartbeat(2, [])));
        await Eventually.HoldsAsync("the removed runner's connection to close", () => Task.FromResult((hub.State != HubConnectionState.Connected, hub.State.ToString())), TimeSpan.FromSeconds(5));
        Assert.Equal("removed", (string?)(await RunnerAsync(name))["status"]);

        await using var again = Connect(registered.Credential);
        var refused = await Record.ExceptionAsync(() => again.StartAsync());
        Assert.Contains("401", refused?.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_RefusesAConnectionWithoutAValidCredential()
    {
        await using var hub = Connect("rhc_forged");

        var error = await Record.ExceptionAsync(() => hub.StartAsync());

        Assert.Contains("401", error?.Message ?? "", StringComparison.Ordinal);
    }

    private static bool Contains(List<bool> drains, bool value)
    {
        lock (drains)
        {
            return drains.Contains(value);
        }
    }

    private HubConnection Connect(string credential) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(_node.Factory.Server.BaseAddress, RunnerHubRoutes.Hub), o =>
            {
                // The test server speaks HTTP only: long polling exercises the same hub and auth.
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => _node.Factory.Server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(credential);
            })
            .Build();

    private async Task<string> CreateTokenAsync()
    {
        var response = await OperatorAsync(HttpMethod.Post, "/api/runners/registration-tokens");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!;
    }

    private async Task<RegisterRunnerResponse> RegisterAsync(string token, string name, string[] labels)
    {
        var response = await Client.PostAsJsonAsync("/api/runners/register", new RegisterRunnerRequest(token, name, labels, 2));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RegisterRunnerResponse>())!;
    }

    private async Task<JsonNode> RunnerAsync(string name)
    {
        var response = await OperatorAsync(HttpMethod.Get, "/api/runners");
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return list.Single(r => (string?)r!["name"] == name)!;
    }

    private async Task<HttpResponseMessage> OperatorAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        return await Client.SendAsync(request);
    }
}
