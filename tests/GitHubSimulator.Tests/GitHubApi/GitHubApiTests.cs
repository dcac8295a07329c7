using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.GitHubApi;

public sealed class GitHubApiTests
{
    private const string Jit = "/repos/octo-org/octo-repo/actions/runners/generate-jitconfig";

    [Theory]
    [InlineData("POST", Jit)]
    [InlineData("POST", "/orgs/octo-org/actions/runners/generate-jitconfig")]
    [InlineData("GET", "/repos/octo-org/octo-repo/actions/jobs/1")]
    [InlineData("GET", "/repos/octo-org/octo-repo/installation")]
    [InlineData("GET", "/orgs/octo-org/actions/runners")]
    public async Task Api_Answers401_WithoutAToken(string method, string path)
    {
        await using var host = await SimulatorHost.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { name = "r", runner_group_id = 1, labels = new[] { "x" } }) };

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Requires authentication", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]);
        Assert.True(response.Headers.Contains("x-ratelimit-limit"));
    }

    [Theory]
    [InlineData("token", "ghp_anything", HttpStatusCode.OK)]
    [InlineData("Bearer", "ghs_anything", HttpStatusCode.OK)]
    [InlineData("Basic", "dXNlcjpwYXNz", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer", "", HttpStatusCode.Unauthorized)]
    public async Task Api_AcceptsBearerAndTokenSchemes(string scheme, string token, HttpStatusCode expected)
    {
        await using var host = await SimulatorHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/repos/octo-org/octo-repo/installation");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}".Trim());

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task RateLimitHeaders_ArePresent_AndCountDownPerCall()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var first = await host.Api.GetAsync("/repos/octo-org/octo-repo/installation");
        using var second = await host.Api.GetAsync("/repos/octo-org/octo-repo/actions/jobs/1");

        Assert.Equal("5000", Header(first, "x-ratelimit-limit"));
        Assert.Equal("core", Header(first, "x-ratelimit-resource"));
        Assert.Equal(("4999", "1"), (Header(first, "x-ratelimit-remaining"), Header(first, "x-ratelimit-used")));
        Assert.Equal(("4998", "2"), (Header(second, "x-ratelimit-remaining"), Header(second, "x-ratelimit-used")));
        var reset = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Header(first, "x-ratelimit-reset"), CultureInfo.InvariantCulture));
        Assert.InRange(reset - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task PrimaryRateLimit_Answers403_WhenSpent()
    {
        await using var host = await SimulatorHost.StartAsync(new Dictionary<string, string?> { ["Simulator:ApiRateLimit"] = "2" });
        for (var i = 0; i < 2; i++)
        {
            using var ok = await host.Api.GetAsync("/repos/octo-org/octo-repo/installation");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var spent = await host.Api.GetAsync("/repos/octo-org/octo-repo/installation");

        Assert.Equal(HttpStatusCode.Forbidden, spent.StatusCode);
        Assert.Equal("0", Header(spent, "x-ratelimit-remaining"));
    }

    [Fact]
    public async Task GenerateJitConfig_Answers201_InGitHubsShape()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var response = await host.Api.PostAsJsonAsync(Jit, new { name = "runner-a", runner_group_id = 1, labels = new[] { "self-hosted", "Linux", "x64", "gpu" }, work_folder = "_work" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var runner = body["runner"]!;
        Assert.True((long)runner["id"]! > 0);
        Assert.Equal("runner-a", (string?)runner["name"]);
        Assert.Equal("linux", (string?)runner["os"]);
        Assert.Equal("offline", (string?)runner["status"]);
        Assert.False((bool)runner["busy"]!);
        var labels = runner["labels"]!.AsArray().Select(l => ((string?)l!["name"], (string?)l["type"], (long)l["id"]!)).ToArray();
        Assert.Equal(
            [("self-hosted", "read-only"), ("Linux", "read-only"), ("x64", "read-only"), ("gpu", "custom")],
            labels.Select(l => (l.Item1, l.Item2)));
        Assert.All(labels, l => Assert.True(l.Item3 > 0));
        var decoded = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)body["encoded_jit_config"]!)))!;
        Assert.NotNull(decoded[".runner"]);
        Assert.NotNull(decoded[".credentials"]);
    }

    [Fact]
    public async Task GenerateJitConfig_Answers409_WhenTheNameIsTakenInTheSameScope()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.RegisterRunnerAsync("runner-a", ["self-hosted"]);

        using var taken = await host.Api.PostAsJsonAsync(Jit, new { name = "RUNNER-A", runner_group_id = 1, labels = new[] { "self-hosted" } });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("Already exists", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another repository is another scope.
        await host.RegisterRunnerAsync("runner-a", ["self-hosted"], "repos/octo-org/other-repo");
    }

    [Theory]
    [InlineData("""{"runner_group_id": 1, "labels": ["self-hosted"]}""", "\"name\" wasn't supplied")]
    [InlineData("""{"name": "r", "runner_group_id": 1}""", "\"labels\" wasn't supplied")]
    [InlineData("""{"name": "r", "runner_group_id": 1, "labels": []}""", "\"labels\" must have between 1 and 100 items")]
    [InlineData("""{"name": "r", "labels": ["x"]}""", "\"runner_group_id\" wasn't supplied")]
    public async Task GenerateJitConfig_Answers422_WhenSomethingRequiredIsMissing(string json, string message)
    {
        await using var host = await SimulatorHost.StartAsync();

        using var response = await host.Api.PostAsync(Jit, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateJitConfig_Answers400_OnBrokenJson()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var response = await host.Api.PostAsync(Jit, new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Problems parsing JSON", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]);
    }

    [Fact]
    public async Task GetJob_ReturnsTheJobAsGitHubDoes_AndOnlyUnderItsRepository()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1, repositories = new[] { "octo-org/octo-repo" } }))["jobIds"]![0]!;
        await Poll.UntilAsync("the job", () => host.Client.GetAsync($"/jobs/{jobId}"), r => r.IsSuccessStatusCode);

        var job = await host.Api.GetFromJsonAsync<JsonObject>($"/repos/Octo-Org/octo-repo/actions/jobs/{jobId}");

        foreach (var field in new[] { "id", "run_id", "run_attempt", "status", "conclusion", "labels", "runner_name", "runner_id", "name", "workflow_name", "html_url", "created_at", "started_at", "completed_at" })
        {
            Assert.True(job!.ContainsKey(field), $"the job has no '{field}'");
        }

        Assert.Equal(jobId, (long)job!["id"]!);
        Assert.Equal("queued", (string?)job["status"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)job["created_at"]);
        using var otherRepository = await host.Api.GetAsync($"/repos/octo-org/another/actions/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.NotFound, otherRepository.StatusCode);
        using var unknown = await host.Api.GetAsync($"/repos/octo-org/octo-repo/actions/jobs/{jobId + 1000}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Installation_AndAccessToken_AsAGitHubApp()
    {
        await using var host = await SimulatorHost.StartAsync();
        Assert.Equal(1, (long)(await host.Api.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/installation"))!["id"]!);
        Assert.Equal(1, (long)(await host.Api.GetFromJsonAsync<JsonObject>("/orgs/octo-org/installation"))!["id"]!);

        using var app = new HttpClient { BaseAddress = host.BaseAddress };
        app.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FakeJwt());
        using var created = await app.PostAsync("/app/installations/1/access_tokens", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.StartsWith("ghs_", (string?)token["token"], StringComparison.Ordinal);
        var expires = DateTimeOffset.Parse((string)token["expires_at"]!, CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        using var unknownInstallation = await app.PostAsync("/app/installations/2/access_tokens", null);
        Assert.Equal(HttpStatusCode.NotFound, unknownInstallation.StatusCode);
        using var notAJwt = await host.Api.PostAsync("/app/installations/1/access_tokens", null);
        Assert.Equal(HttpStatusCode.Unauthorized, notAJwt.StatusCode);
    }

    [Fact]
    public async Task Runners_CanBeListedAndDeleted()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (a, _) = await host.RegisterRunnerAsync("a", ["self-hosted"]);
        await host.RegisterRunnerAsync("b", ["self-hosted"]);
        await host.RegisterRunnerAsync("c", ["self-hosted"], "orgs/octo-org");

        var list = await host.Api.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/actions/runners");
        Assert.Equal(2, (int)list!["total_count"]!);
        using var deleted = await host.Api.DeleteAsync($"/repos/octo-org/octo-repo/actions/runners/{(long)a["id"]!}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await host.Api.DeleteAsync($"/repos/octo-org/octo-repo/actions/runners/{(long)a["id"]!}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(1, (int)(await host.Api.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/actions/runners"))!["total_count"]!);
        Assert.Equal(1, (int)(await host.Api.GetFromJsonAsync<JsonObject>("/orgs/octo-org/actions/runners"))!["total_count"]!);
    }

    private static string Header(HttpResponseMessage response, string name) => string.Join(",", response.Headers.GetValues(name));

    private static string FakeJwt()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"RS256","typ":"JWT"}""")}.{Part("""{"iss":"1","iat":0,"exp":600}""")}.c2lnbmF0dXJl";
    }
}
