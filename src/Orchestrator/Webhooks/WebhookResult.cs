namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>What a webhook request was answered: the <c>result</c> of <c>runnerhub_webhook_deliveries_total</c>.</summary>
internal enum WebhookResult
{
    /// <summary><c>accepted</c>: 200, applied (or a ping answered).</summary>
    Accepted,

    /// <summary><c>duplicate</c>: 200, a delivery id seen before, answered as the first time.</summary>
    Duplicate,

    /// <summary><c>ignored</c>: 2xx, an event, action or repository RunnerHub does not handle.</summary>
    Ignored,

    /// <summary><c>invalid_signature</c>: 401.</summary>
    InvalidSignature,

    /// <summary><c>bad_request</c>: any other 4xx (bad payload or headers, body too large).</summary>
    BadRequest,

    /// <summary><c>unavailable</c>: 5xx (PostgreSQL out or too slow, schema not migrated yet, a crash).</summary>
    Unavailable,
}
