using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using RunnerHub.Orchestrator.UnitTests.Monitoring;
using RunnerHub.Orchestrator.Webhooks;

namespace RunnerHub.Orchestrator.UnitTests.Webhooks;

public sealed class WebhookMetricsFilterTests : IDisposable
{
    private static readonly WebhookAnswer Applied = new("d", "workflow_job", "queued", 1, "queued", "created", false);

    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    public static TheoryData<string, string> Answers => new()
    {
        { "applied", "accepted" },
        { "pong", "accepted" },
        { "duplicate", "duplicate" },
        { "ignored event", "ignored" },
        { "ignored action", "ignored" },
        { "bad signature", "invalid_signature" },
        { "bad payload", "bad_request" },
        { "too large", "bad_request" },
        { "postgres too slow", "unavailable" },
        { "schema not ready", "unavailable" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Classify_NamesWhatTheReceiverAnswered(string answer, string expected) =>
        Assert.Equal(expected, WebhookMetrics.Name(WebhookMetricsFilter.Classify(Answer(answer))));

    [Fact]
    public async Task InvokeAsync_CountsEveryRequest_ByEventAndResult()
    {
        var filter = new WebhookMetricsFilter(new WebhookMetrics(_meters.Factory));
        using var deliveries = _meters.Collect<long>(WebhookMetrics.MeterName, "runnerhub.webhook.deliveries");

        await filter.InvokeAsync(Context("workflow_job"), _ => ValueTask.FromResult<object?>(Answer("applied")));
        await filter.InvokeAsync(Context("workflow_job"), _ => ValueTask.FromResult<object?>(Answer("duplicate")));
        await filter.InvokeAsync(Context("ping"), _ => ValueTask.FromResult<object?>(Answer("pong")));
        await filter.InvokeAsync(Context("issues"), _ => ValueTask.FromResult<object?>(Answer("ignored event")));
        await filter.InvokeAsync(Context(null), _ => ValueTask.FromResult<object?>(Answer("bad signature")));

        Assert.Equal(
            [("other", "ignored"), ("other", "invalid_signature"), ("ping", "accepted"), ("workflow_job", "accepted"), ("workflow_job", "duplicate")],
            deliveries.GetMeasurementSnapshot().Select(m => ((string)m.Tags["event"]!, (string)m.Tags["result"]!)).Order());
    }

    [Fact]
    public async Task InvokeAsync_CountsAnOutageAsUnavailable_AndLetsTheExceptionThrough()
    {
        var filter = new WebhookMetricsFilter(new WebhookMetrics(_meters.Factory));
        using var deliveries = _meters.Collect<long>(WebhookMetrics.MeterName, "runnerhub.webhook.deliveries");

        await Assert.ThrowsAsync<NpgsqlException>(() =>
            filter.InvokeAsync(Context("workflow_job"), _ => throw new NpgsqlException("connection refused")).AsTask());

        var counted = Assert.Single(deliveries.GetMeasurementSnapshot());
        Assert.Equal(("workflow_job", "unavailable"), ((string)counted.Tags["event"]!, (string)counted.Tags["result"]!));
    }

    /// <summary>The receiver's answers, in the union type it declares (the filter sees that wrapper).</summary>
    private static Results<Ok<WebhookAnswer>, Accepted<WebhookAnswer>, ProblemHttpResult> Answer(string kind) => kind switch
    {
        "applied" => TypedResults.Ok(Applied),
        "pong" => TypedResults.Ok(Applied with { Event = "ping", Action = null, Outcome = "pong" }),
        "duplicate" => TypedResults.Ok(Applied with { Duplicate = true }),
        "ignored event" => TypedResults.Accepted((string?)null, Applied with { Event = "issues", Outcome = "ignored" }),
        "ignored action" => TypedResults.Accepted((string?)null, Applied with { Action = "whatever", Outcome = "ignored" }),
        "bad signature" => TypedResults.Problem(statusCode: 401),
        "bad payload" => TypedResults.Problem(statusCode: 400),
        "too large" => TypedResults.Problem(statusCode: 413),
        "postgres too slow" => TypedResults.Problem(statusCode: 503),
        "schema not ready" => TypedResults.Problem(statusCode: 503),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static DefaultEndpointFilterInvocationContext Context(string? gitHubEvent)
    {
        var http = new DefaultHttpContext();
        if (gitHubEvent is not null)
        {
            http.Request.Headers["X-GitHub-Event"] = gitHubEvent;
        }

        return new DefaultEndpointFilterInvocationContext(http);
    }
}
