using Microsoft.AspNetCore.Http;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.UnitTests.Operators;

public sealed class BrowserRequestsTests
{
    [Theory]
    [InlineData("GET", "/", "text/html,application/xhtml+xml", null, true)]
    [InlineData("GET", "/runners", "text/html", "navigate", true)]
    [InlineData("GET", "/", "text/html", "cors", false)]
    [InlineData("GET", "/", "application/json", null, false)]
    [InlineData("POST", "/", "text/html", null, false)]
    [InlineData("GET", "/api/queues", "text/html", null, false)]
    [InlineData("GET", "/hubs/dashboard", "text/html", null, false)]
    [InlineData("GET", "/metrics", "text/html", null, false)]
    public void IsPageNavigation_OnlyForBrowserPageLoads(string method, string path, string accept, string? fetchMode, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Headers.Accept = accept;
        if (fetchMode is not null)
        {
            context.Request.Headers["Sec-Fetch-Mode"] = fetchMode;
        }

        Assert.Equal(expected, BrowserRequests.IsPageNavigation(context.Request));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("same-origin", null, false)]
    [InlineData("none", null, false)]
    [InlineData("cross-site", null, true)]
    [InlineData("same-site", null, true)]
    [InlineData(null, "http://hub.example:8080", false)]
    [InlineData(null, "https://hub.example:8080", false)]
    [InlineData(null, "http://evil.example", true)]
    [InlineData(null, "null", true)]
    public void IsCrossSite_BySecFetchSiteElseOrigin(string? fetchSite, string? origin, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("hub.example:8080");
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(expected, BrowserRequests.IsCrossSite(context.Request));
    }

    [Theory]
    [InlineData("/jobs?x=1", "/jobs?x=1")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("http://evil.example/", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("jobs", "/")]
    [InlineData("/a\nb", "/")]
    public void LocalOrRoot_RefusesAnythingButALocalPath(string? url, string expected) =>
        Assert.Equal(expected, BrowserRequests.LocalOrRoot(url));
}
