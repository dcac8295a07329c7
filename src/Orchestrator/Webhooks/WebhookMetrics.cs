using System.Diagnostics.Metrics;

namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>
/// <c>runnerhub_webhook_deliveries_total</c>: every request to the webhook endpoint, by
/// <c>event</c> (<c>workflow_job</c>, <c>ping</c>, <c>other</c>) and <c>result</c> (see
/// <see cref="WebhookResult"/>), as the node answered it.
/// </summary>
internal sealed class WebhookMetrics
{
    public const string MeterName = "RunnerHub.Orchestrator.Webhooks";

    // Every tag made once: the hot path only picks them.
    private static readonly KeyValuePair<string, object?>[] EventTags =
        [new("event", "workflow_job"), new("event", "ping"), new("event", "other")];

    private static readonly KeyValuePair<string, object?>[] ResultTags =
        [.. Enum.GetValues<WebhookResult>().Select(r => new KeyValuePair<string, object?>("result", Name(r)))];

    private readonly Counter<long> _deliveries;

    public WebhookMetrics(IMeterFactory meters)
    {
        _deliveries = meters.Create(MeterName)
            .CreateCounter<long>("runnerhub.webhook.deliveries", "{delivery}", "Webhook requests by event and by what this node answered.");
    }

    /// <summary>Counts one request; <paramref name="gitHubEvent"/> is the <c>X-GitHub-Event</c> header as sent.</summary>
    public void Delivered(string? gitHubEvent, WebhookResult result)
    {
        var e = gitHubEvent switch
        {
            "workflow_job" => 0,
            "ping" => 1,
            _ => 2,
        };
        _deliveries.Add(1, EventTags[e], ResultTags[(int)result]);
    }

    /// <summary>The tag value of a result.</summary>
    internal static string Name(WebhookResult result) => result switch
    {
        WebhookResult.Accepted => "accepted",
        WebhookResult.Duplicate => "duplicate",
        WebhookResult.Ignored => "ignored",
        WebhookResult.InvalidSignature => "invalid_signature",
        WebhookResult.BadRequest => "bad_request",
        WebhookResult.Unavailable => "unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}
