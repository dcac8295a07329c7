using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.UnitTests.Monitoring;

namespace RunnerHub.Orchestrator.UnitTests.GitHub;

public sealed class GitHubMetricsHandlerTests : IDisposable
{
    private readonly TestMeters _meters = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task SendAsync_CountsEachCall_ByOperationAndStatus_AndKeepsTheLastRateLimitRemaining()
    {
        var metrics = new GitHubMetrics(_meters.Factory, _time);
        using var calls = _meters.Collect<long>(GitHubMetrics.MeterName, "runnerhub.github.api_calls");
        using var remaining = _meters.Collect<long>(GitHubMetrics.MeterName, "runnerhub.github.rate_limit_remaining");

        remaining.RecordObservableInstruments();
        Assert.Empty(remaining.GetMeasurementSnapshot()); // none seen yet: no value rather than a made-up one

        await SendAsync(metrics, GitHubMetrics.GenerateJitConfig, _ => Answer(HttpStatusCode.Created, "4999"));
        await SendAsync(metrics, GitHubMetrics.GetJob, _ => Answer(HttpStatusCode.NotFound, "4998"));
        await SendAsync(metrics, GitHubMetrics.DeleteRunner, _ => Answer(HttpStatusCode.NoContent, null)); // no header: keeps 4998
        await SendAsync(metrics, null, _ => Answer(HttpStatusCode.OK, "not a number"));

        Assert.Equal(
            [("delete_runner", "204"), ("generate_jitconfig", "201"), ("get_job", "404"), ("other", "200")],
            calls.GetMeasurementSnapshot().Select(m => ((string)m.Tags["operation"]!, (string)m.Tags["status"]!)).Order());
        remaining.RecordObservableInstruments();
        Assert.Equal(4998, Assert.Single(remaining.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task RateLimitRemaining_GoesAway_OnceItsWindowHasReset()
    {
        var metrics = new GitHubMetrics(_meters.Factory, _time);
        using var remaining = _meters.Collect<long>(GitHubMetrics.MeterName, "runnerhub.github.rate_limit_remaining");
        var reset = _time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        await SendAsync(metrics, GitHubMetrics.GetJob, _ => Answer(HttpStatusCode.OK, "12", reset));
        _time.Advance(TimeSpan.FromMinutes(9));
        remaining.RecordObservableInstruments();
        Assert.Equal(12, Assert.Single(remaining.GetMeasurementSnapshot(clear: true)).Value);

        // A node that stopped calling GitHub must not show a low figure for ever: after the reset
        // the true figure is unknown (the limit is full again).
        _time.Advance(TimeSpan.FromMinutes(2));
        remaining.RecordObservableInstruments();
        Assert.Empty(remaining.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task SendAsync_CountsACallWithoutAnAnswer_AsErrorOrTimeout()
    {
        var metrics = new GitHubMetrics(_meters.Factory, _time);
        using var calls = _meters.Collect<long>(GitHubMetrics.MeterName, "runnerhub.github.api_calls");

        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(metrics, GitHubMetrics.ListRunners, _ => throw new HttpRequestException("connection refused")));
        await Assert.ThrowsAsync<TaskCanceledException>(() => SendAsync(metrics, GitHubMetrics.GetJob, _ => throw new TaskCanceledException("attempt timed out")));

        Assert.Equal(
            [("get_job", "timeout"), ("list_runners", "error")],
            calls.GetMeasurementSnapshot().Select(m => ((string)m.Tags["operation"]!, (string)m.Tags["status"]!)).Order());
    }

    private static async Task SendAsync(GitHubMetrics metrics, string? operation, Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        using var invoker = new HttpMessageInvoker(new GitHubMetricsHandler(metrics) { InnerHandler = new Stub(answer) });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.github.test/repos/o/r/actions/jobs/1");
        if (operation is not null)
        {
            request.Options.Set(GitHubMetrics.OperationKey, operation);
        }

        using var response = await invoker.SendAsync(request, CancellationToken.None);
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string? remaining, string? reset = null)
    {
        var response = new HttpResponseMessage(status);
        if (remaining is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ratelimit-remaining", remaining);
        }

        if (reset is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ratelimit-reset", reset);
        }

        return response;
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
