using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.IntegrationTests.Operators;

/// <summary>Without a login every page, hub and operator API answers 401 or redirects to /login; the webhook and health stay open.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class OperatorLoginTests(InfrastructureFixture infra) : IAsyncLifetime, IDisposable
{
    private readonly OrchestratorFactory _node = new(infra, "orchestrator-login-1");
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _node.CreateReadyClientAsync();
        _client = _node.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _node.DisposeAsync();
    }

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Anonymous_PagesRedirectToLogin_ApisHubsAndMetricsAnswer401()
    {
        using (var page = await SendAsync(HttpMethod.Get, "/", accept: "text/html,application/xhtml+xml"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login?returnUrl=%2F", page.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
        }

        // The same page fetched by script is a 401, not an HTML redirect.
        using (var fetch = await SendAsync(HttpMethod.Get, "/", accept: "text/html", headers: new() { ["Sec-Fetch-Mode"] = "cors" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, fetch.StatusCode);
        }

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/queues"), (HttpMethod.Get, "/api/runners"), (HttpMethod.Get, "/api/leadership"), (HttpMethod.Post, "/hubs/dashboard/negotiate?negotiateVersion=1"), (HttpMethod.Get, "/metrics"), (HttpMethod.Get, "/index.html") })
        {
            using var response = await SendAsync(method, path, accept: method == HttpMethod.Get && path == "/index.html" ? null : "text/html");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }

        using (var hangfire = await SendAsync(HttpMethod.Get, "/hangfire"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, hangfire.StatusCode);
            Assert.Contains(hangfire.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }
    }

    [Fact]
    public async Task Metrics_Are200WithABearerToken()
    {
        using var response = await SendAsync(HttpMethod.Get, "/metrics", bearer: infra.OperatorToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WebhookAndHealth_StayOpen()
    {
        using (var ready = await SendAsync(HttpMethod.Get, "/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        foreach (var path in new[] { "/health/live", "/health", "/health/leadership" })
        {
            using var response = await SendAsync(HttpMethod.Get, path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode}");
        }

        using var ping = await WebhookClient.SendAsync(_client, infra.WebhookSecret, "ping", Encoding.UTF8.GetBytes("""{"zen":"hi"}"""));
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Fact]
    public async Task LoginPage_IsOpen_AndHasTheFormTheDashboardTestsUse()
    {
        using var response = await SendAsync(HttpMethod.Get, "/login?error=1&returnUrl=%2Fjobs%3Fx%3D%22%3E", accept: "text/html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>RunnerHub — sign in</title>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"token\" name=\"token\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"login-submit\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"login-error\" class=\"error\" role=\"alert\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\">\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_SetsASessionCookie_ThatOpensPagesAndApis_OnAnotherNodeToo()
    {
        var cookie = await LoginAsync(infra.OperatorToken, "/api/queues");

        using (var queues = await SendAsync(HttpMethod.Get, "/api/queues", cookie: cookie))
        {
            Assert.Equal(HttpStatusCode.OK, queues.StatusCode);
        }

        using (var hangfire = await SendAsync(HttpMethod.Get, "/hangfire", cookie: cookie, accept: "text/html"))
        {
            Assert.Equal(HttpStatusCode.OK, hangfire.StatusCode);
        }

        using (var root = await SendAsync(HttpMethod.Get, "/", cookie: cookie, accept: "text/html"))
        {
            // 200 with the dashboard's index.html; 404 in a tree without one. Never the login.
            Assert.True(root.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"GET / with a session: {(int)root.StatusCode}");
        }

        // HAProxy round-robins: a cookie one node issued must open the others (shared key ring).
        await using var other = new OrchestratorFactory(infra, "orchestrator-login-2");
        await other.CreateReadyClientAsync();
        using var otherClient = other.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/queues");
        request.Headers.Add("Cookie", cookie);
        using var response = await otherClient.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_WithAnInvalidToken_SetsNoCookie_AndReturnsToTheLoginWithAnError()
    {
        using var response = await PostLoginAsync("not-a-token-at-all", "/jobs");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?error=1&returnUrl=%2Fjobs", response.Headers.Location!.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("http://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_RefusesAnOpenRedirect(string returnUrl)
    {
        using var response = await PostLoginAsync(infra.OperatorToken, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_FromAnotherSite_IsRefused()
    {
        using var response = await PostLoginAsync(infra.OperatorToken, "/", new() { ["Sec-Fetch-Site"] = "cross-site" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));

        using var origin = await PostLoginAsync(infra.OperatorToken, "/", new() { ["Origin"] = "http://evil.example" });
        Assert.Equal(HttpStatusCode.Forbidden, origin.StatusCode);
    }

    [Fact]
    public async Task Logout_ClearsTheCookie_AndRedirectsToTheLogin()
    {
        var cookie = await LoginAsync(infra.OperatorToken, "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/logout");
        request.Headers.Add("Cookie", cookie);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.OriginalString);
        var cleared = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(OperatorPolicy.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Signs in and returns the <c>Cookie</c> header value of the session.</summary>
    private async Task<string> LoginAsync(string token, string returnUrl)
    {
        using var response = await PostLoginAsync(token, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(returnUrl, response.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(OperatorPolicy.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        return setCookie.Split(';')[0];
    }

    private async Task<HttpResponseMessage> PostLoginAsync(string token, string returnUrl, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["returnUrl"] = returnUrl }),
        };
        foreach (var (key, value) in headers ?? [])
        {
            request.Headers.Add(key, value);
        }

        return await _client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? accept = null, string? bearer = null, string? cookie = null, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        foreach (var (key, value) in headers ?? [])
        {
            request.Headers.Add(key, value);
        }

        return await _client.SendAsync(request);
    }
}
