using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using RunnerHub.Contracts.Hub;

namespace RunnerHub.Orchestrator.IntegrationTests.Runners;

/// <summary>
/// A proxy runner played by the test: registered with an operator-issued token, connected to the
/// node's hub over SignalR (long polling: the test server speaks HTTP only), keeping every
/// <see cref="IRunnerClient.Cancel"/> it receives.
/// </summary>
internal sealed class TestRunner : IAsyncDisposable
{
    private readonly List<JobCancel> _cancels = [];

    private TestRunner(Guid runnerId, HubConnection hub)
    {
        RunnerId = runnerId;
        Hub = hub;
        hub.On<JobCancel>(nameof(IRunnerClient.Cancel), c =>
        {
            lock (_cancels)
            {
                _cancels.Add(c);
            }
        });
    }

    public Guid RunnerId { get; }

    public HubConnection Hub { get; }

    /// <summary>Every cancel received so far, in order.</summary>
    public IReadOnlyList<JobCancel> Cancels
    {
        get
        {
            lock (_cancels)
            {
                return [.. _cancels];
            }
        }
    }

    public static async Task<TestRunner> ConnectAsync(ReadyNode node, string operatorToken, string name, IReadOnlyList<string> labels)
    {
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/runners/registration-tokens");
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        using var tokenResponse = await node.Client.SendAsync(tokenRequest);
        Assert.Equal(HttpStatusCode.Created, tokenResponse.StatusCode);
        var token = (string)JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!["token"]!;

        using var registered = await node.Client.PostAsJsonAsync("/api/runners/register", new RegisterRunnerRequest(token, name, labels, 4));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var identity = (await registered.Content.ReadFromJsonAsync<RegisterRunnerResponse>())!;

        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Factory.Server.BaseAddress, RunnerHubRoutes.Hub), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => node.Factory.Server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(identity.Credential);
            })
            .Build();
        var runner = new TestRunner(identity.RunnerId, hub);
        await hub.StartAsync();
        return runner;
    }

    public void ClearCancels()
    {
        lock (_cancels)
        {
            _cancels.Clear();
        }
    }

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}
