using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RunnerHub.GitHubSimulator.Tests;

/// <summary>
/// A simulator on real Kestrel (127.0.0.1, free port) whose webhooks go to its own
/// <see cref="WebhookReceiver"/>. One per test: no state is shared between tests.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    // Not ASCII-only on purpose: the HMAC key is the secret's UTF-8 bytes.
    public const string Secret = "test-secret-ü-42";

    private readonly SimulatorFactory _factory;

    private SimulatorHost(SimulatorFactory factory, WebhookReceiver receiver, HttpClient client)
    {
        _factory = factory;
        Receiver = receiver;
        Client = client;
        Api = factory.CreateClient();
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ghs_test");
    }

    public WebhookReceiver Receiver { get; }

    /// <summary>No Authorization header: for the simulator's own endpoints, and to see the API refuse.</summary>
    public HttpClient Client { get; }

    /// <summary>With <c>Authorization: Bearer ghs_test</c>, for the GitHub API.</summary>
    public HttpClient Api { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public IServiceProvider Services => _factory.Services;

    public static async Task<SimulatorHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var configuration = new Dictionary<string, string?>
        {
            ["Simulator:WebhookUrl"] = receiver.Url.ToString(),
            ["Simulator:WebhookSecret"] = Secret,
            ["Simulator:RunnerJobWait"] = "00:00:05",
            // appsettings.json sets Information; configuration rules beat SetMinimumLevel.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var factory = new SimulatorFactory(configuration);
        // Not UseKestrel(0): that overload rewrites the server addresses after the app has built its
        // host, racing the app's own Kestrel start (dotnet/aspnetcore#67714, "Addresses cannot be
        // modified after the server has started"). An explicit listen endpoint leaves them alone.
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        return new SimulatorHost(factory, receiver, factory.CreateClient());
    }

    public async Task<JsonObject> PostJobsAsync(object batch)
    {
        using var response = await Client.PostAsJsonAsync("/jobs", batch);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<JsonObject> SummaryAsync() => (await Client.GetFromJsonAsync<JsonObject>("/summary"))!;

    public async Task PutFaultsAsync(object faults)
    {
        using var response = await Client.PutAsJsonAsync("/_simulator/faults", faults);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>generate-jitconfig for a repository runner; returns the runner object and the encoded config.</summary>
    public async Task<(JsonObject Runner, string JitConfig)> RegisterRunnerAsync(string name, string[] labels, string scope = "repos/octo-org/octo-repo")
    {
        using var response = await Api.PostAsJsonAsync($"/{scope}/actions/runners/generate-jitconfig", new { name, runner_group_id = 1, labels, work_folder = "_work" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"generate-jitconfig answered {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!.AsObject();
        return (json["runner"]!.AsObject(), json["encoded_jit_config"]!.GetValue<string>());
    }

    /// <summary>What run.sh does: start the runner with its JIT config and wait until it exits.</summary>
    public Task<HttpResponseMessage> RunRunnerAsync(string jitConfig, int? waitMs = null, CancellationToken cancellationToken = default) =>
        Client.PostAsJsonAsync("/_simulator/runner/run", new { jitconfig = jitConfig, waitMs }, cancellationToken);

    /// <summary>Waits until every job of the summary has its <c>queued</c> webhook finished (delivered, failed or dropped).</summary>
    public Task<JsonObject> SettledSummaryAsync(int created) =>
        Poll.UntilAsync(
            $"{created} jobs created with their queued webhooks settled",
            SummaryAsync,
            s => (int)s["created"]! == created && (int)s["pending"]! == 0 && (int)s["deliveries"]!["pending"]! == 0,
            describe: s => s.ToJsonString());

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Api.Dispose();
        await _factory.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    private sealed class SimulatorFactory(IReadOnlyDictionary<string, string?> configuration) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration));
        }
    }
}
