using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.GitHub;

/// <summary>
/// The GitHub client against the project's GitHub simulator, run as its own process. The
/// simulator knows a GitHub App's public key, so App JWTs are verified as GitHub verifies them.
/// </summary>
public sealed class GitHubClientTests : IAsyncLifetime, IDisposable
{
    private const long AppId = 31337;
    private readonly HttpClient _http = new();
    private readonly RSA _appKey = RSA.Create(2048);
    private readonly string _keys = Directory.CreateTempSubdirectory("runnerhub-github-app-").FullName;
    private SimulatorProcess? _simulator;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Simulator__AppId"] = AppId.ToString(CultureInfo.InvariantCulture),
            ["Simulator__AppPublicKeyPath"] = WriteKey("app.pub.pem", _appKey.ExportSubjectPublicKeyInfoPem()),
        });
        _base = _simulator.Url;
    }

    public void Dispose()
    {
        _http.Dispose();
        _appKey.Dispose();
        Directory.Delete(_keys, recursive: true);
    }

    public async Task DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
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

    [Fact]
    public async Task GenerateJitConfig_AsAGitHubApp_FetchesOneInstallationToken_AndReusesIt()
    {
        await using var services = Services(AppSettings(_appKey));
        var github = services.GetRequiredService<IGitHubClient>();

        var first = await github.GenerateJitConfigAsync("octo-org/app-repo", "rh-app-1", ["self-hosted", "linux"], CancellationToken.None);
        var second = await github.GenerateJitConfigAsync("octo-org/app-repo", "rh-app-2", ["self-hosted", "linux"], CancellationToken.None);

        Assert.NotEqual(first.RunnerId, second.RunnerId);
        var tokens = await InstallationTokensAsync();
        Assert.True((bool)tokens["jwtVerified"]!, "the simulator verifies App JWTs against the App's public key");
        Assert.Equal(1, (int)tokens["issued"]!);
        Assert.Equal(2, (int)tokens["tokens"]![0]!["calls"]!);
    }

    [Fact]
    public async Task GenerateJitConfig_AsAGitHubApp_FailsWith401_WhenTheKeyIsNotTheAppsKey()
    {
        using var otherKey = RSA.Create(2048);
        await using var services = Services(AppSettings(otherKey));
        var github = services.GetRequiredService<IGitHubClient>();

        var error = await Assert.ThrowsAsync<GitHubApiException>(
            () => github.GenerateJitConfigAsync("octo-org/app-repo", "rh-app-3", ["self-hosted"], CancellationToken.None));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(0, (int)(await InstallationTokensAsync())["issued"]!);
        Assert.DoesNotContain(await RunnersAsync("octo-org/app-repo"), r => (string?)r!["name"] == "rh-app-3");
    }

    [Fact]
    public async Task InstallationToken_IsFetchedOnce_WhenTheFirstCallsRaceForIt()
    {
        // A dispatcher fills a runner's free slots concurrently: with a cold cache every one of
        // those calls used to fetch an installation token of its own.
        await using var services = Services(AppSettings(_appKey));
        var github = services.GetRequiredService<IGitHubClient>();

        var configs = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            github.GenerateJitConfigAsync("octo-org/app-repo", $"rh-race-{i}", ["self-hosted"], CancellationToken.None)));

        Assert.Equal(8, configs.Select(c => c.RunnerId).Distinct().Count());
        var tokens = await InstallationTokensAsync();
        Assert.True((int)tokens["issued"]! == 1, $"tokens issued: {tokens.ToJsonString()}");
        Assert.Equal(8, (int)tokens["tokens"]![0]!["calls"]!);
    }

    private async Task<JsonObject> InstallationTokensAsync() =>
        (await _http.GetFromJsonAsync<JsonObject>(new Uri(_base, "/_simulator/installation-tokens")))!;

    /// <summary>GitHub App settings with <paramref name="key"/> as the App's private key, in PKCS#1 PEM as GitHub hands it out.</summary>
    private Dictionary<string, string?> AppSettings(RSA key) => new()
    {
        ["GitHub:AppId"] = AppId.ToString(CultureInfo.InvariantCulture),
        ["GitHub:PrivateKeyPath"] = WriteKey($"app-{Guid.NewGuid():N}.private-key.pem", key.ExportRSAPrivateKeyPem()),
    };

    private string WriteKey(string name, string pem)
    {
        var path = Path.Combine(_keys, name);
        File.WriteAllText(path, pem);
        return path;
    }

    private async Task<JsonArray> RunnersAsync(string repository = "octo-org/octo-repo")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, $"/repos/{repository}/actions/runners?per_page=100"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "test");
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runners"]!.AsArray();
    }

    /// <summary>The GitHub client as the orchestrator registers it; a token unless <paramref name="app"/> settings are given.</summary>
    private ServiceProvider Services(Dictionary<string, string?>? app = null)
    {
        var settings = app ?? new Dictionary<string, string?> { ["GitHub:Token"] = "test-token" };
        settings["GitHub:ApiBaseUrl"] = _base.ToString();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddGitHub();
        return services.BuildServiceProvider();
    }
}
