using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.GitHub;

/// <summary>The GitHub client against the project's GitHub simulator, run as its own process.</summary>
public sealed class GitHubClientTests : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new();
    private Process? _simulator;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var port = PortOffsets.FindFree() + 9000;
        _base = new Uri($"http://127.0.0.1:{port}/");
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(Repository.Root, "tools", "GitHubSimulator", "bin", configuration, "net10.0", "RunnerHub.GitHubSimulator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = _base.ToString().TrimEnd('/');
        start.Environment["Simulator__WebhookUrl"] = "http://127.0.0.1:9/unused";
        start.Environment["Simulator__WebhookSecret"] = "simulator-test-secret";
        _simulator = Process.Start(start)!;
        _simulator.BeginOutputReadLine();
        _simulator.BeginErrorReadLine();
        await Eventually.HoldsAsync(
            "the simulator to answer",
            async () => ((await _http.GetAsync(new Uri(_base, "/health/ready"))).IsSuccessStatusCode, "not yet"),
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(200));
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        if (_simulator is { HasExited: false })
        {
            _simulator.Kill(entireProcessTree: true);
            await _simulator.WaitForExitAsync();
        }

        _simulator?.Dispose();
    }

    [Fact]
    public async Task GenerateJitConfig_RegistersARunnerWithExactlyTheJobsLabels()
    {
        await using var services = Services();
        var github = services.GetRequiredService<IGitHubClient>();

        var jit = await github.GenerateJitConfigAsync("octo-org/octo-repo", "rh-1-1", ["self-hosted", "gpu"], CancellationToken.None);

        Assert.True(jit.RunnerId > 0);
        Assert.False(string.IsNullOrEmpty(jit.EncodedJitConfig));
        Assert.DoesNotContain(jit.EncodedJitConfig, jit.ToString(), StringComparison.Ordinal);
        var runner = (await RunnersAsync()).Single(r => (string?)r!["name"] == "rh-1-1")!;
        Assert.Equal(["gpu", "self-hosted"], runner["labels"]!.AsArray().Select(l => (string?)l!["name"]).Where(n => n is "gpu" or "self-hosted").Order());
        Assert.Null(await github.GetJobAsync("octo-org/octo-repo", 424242, CancellationToken.None));
    }

    [Fact]
    public async Task GenerateJitConfig_SurvivesLostReplies_WithoutLeavingOrphanRunners()
    {
        // A fifth of the API calls do their work but lose the reply (502): the client's retry then
        // finds its own registration (409) and must replace it, not leave it behind.
        using (var faults = await _http.PutAsJsonAsync(new Uri(_base, "/_simulator/faults"), new { apiLostReplyRate = 0.2, seed = 7 }))
        {
            faults.EnsureSuccessStatusCode();
        }

        await using var services = Services();
        var github = services.GetRequiredService<IGitHubClient>();
        var configs = new List<JitConfig>();
        for (var i = 1; i <= 10; i++)
        {
            configs.Add(await github.GenerateJitConfigAsync("octo-org/lossy-repo", $"rh-{i}-1", ["self-hosted"], CancellationToken.None));
        }

        using (var clear = await _http.PutAsJsonAsync(new Uri(_base, "/_simulator/faults"), new { }))
        {
            clear.EnsureSuccessStatusCode();
        }

        var names = (await RunnersAsync("octo-org/lossy-repo")).Select(r => (string?)r!["name"]).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"rh-{i}-1").Order(), names);
        Assert.Equal(10, configs.Select(c => c.RunnerId).Distinct().Count());
    }

    private async Task<JsonArray> RunnersAsync(string repository = "octo-org/octo-repo")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, $"/repos/{repository}/actions/runners?per_page=100"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "test");
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runners"]!.AsArray();
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:ApiBaseUrl"] = _base.ToString(),
            ["GitHub:Token"] = "test-token",
        }).Build());
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddGitHub();
        return services.BuildServiceProvider();
    }
}
