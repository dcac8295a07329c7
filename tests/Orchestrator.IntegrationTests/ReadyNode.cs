namespace RunnerHub.Orchestrator.IntegrationTests;

/// <summary>An in-process orchestrator that has migrated the schema and answers ready, with a client to it.</summary>
public sealed class ReadyNode : IAsyncDisposable
{
    private ReadyNode(OrchestratorFactory factory, HttpClient client)
    {
        Factory = factory;
        Client = client;
    }

    public OrchestratorFactory Factory { get; }

    public HttpClient Client { get; }

    public static async Task<ReadyNode> StartAsync(InfrastructureFixture infra, string nodeId, IDictionary<string, string?>? overrides = null)
    {
        var factory = new OrchestratorFactory(infra, nodeId, overrides);
        try
        {
            return new ReadyNode(factory, await factory.CreateReadyClientAsync());
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until this node says it leads (an election among the nodes sharing its Redis key prefix).</summary>
    public Task<TimeSpan> WaitToLeadAsync() =>
        RunnerHub.Testing.Eventually.HoldsAsync(
            "the node to lead",
            async () =>
            {
                var view = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(Client, "/health/leadership"))!;
                return ((bool)view["isLeader"]!, view.ToJsonString());
            },
            TimeSpan.FromSeconds(15));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
