using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.GitHub;

/// <summary>The project's GitHub simulator, run as its own process on a free port, for tests that need a GitHub.</summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SimulatorProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The simulator's base URL: the GitHub API base and its own control endpoints.</summary>
    public Uri Url { get; }

    /// <summary>Starts the simulator built next to the tests, with extra environment variables, and waits until it is ready.</summary>
    public static async Task<SimulatorProcess> StartAsync(IDictionary<string, string>? environment = null)
    {
        var url = new Uri($"http://127.0.0.1:{PortOffsets.FindFree() + 9000}/");
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(Repository.Root, "tools", "GitHubSimulator", "bin", configuration, "net10.0", "RunnerHub.GitHubSimulator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        start.Environment["Simulator__WebhookUrl"] = "http://127.0.0.1:9/unused";
        start.Environment["Simulator__WebhookSecret"] = "simulator-test-secret";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the GitHub simulator");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var simulator = new SimulatorProcess(process, url);
        try
        {
            using var http = new HttpClient();
            await Eventually.HoldsAsync(
                "the simulator to answer",
                async () =>
                {
                    try
                    {
                        return ((await http.GetAsync(new Uri(url, "/health/ready"))).IsSuccessStatusCode, "not ready");
                    }
                    catch (HttpRequestException ex)
                    {
                        return (false, ex.Message);
                    }
                },
                TimeSpan.FromSeconds(30),
                TimeSpan.FromMilliseconds(200));
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }

        return simulator;
    }

    /// <summary>The names of the self-hosted runners GitHub lists for <paramref name="repository"/>.</summary>
    public async Task<IReadOnlyList<string>> RunnerNamesAsync(string repository)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, $"/repos/{repository}/actions/runners?per_page=100"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runners"]!.AsArray().Select(r => (string)r!["name"]!)];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
