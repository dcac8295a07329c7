namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>How GitHub's webhooks are accepted. Section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>Configuration section: <c>Webhooks</c>.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>
    /// The secret configured on the GitHub App or repository webhook; every delivery's
    /// <c>X-Hub-Signature-256</c> is checked against it. Required, at least 16 characters: a
    /// node without one refuses to start.
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// Owners and repositories whose jobs are accepted, comma-separated: <c>octo-org</c> allows
    /// every repository of that owner, <c>octo-org/octo-repo</c> one repository; compared
    /// case-insensitively. Empty (the default) accepts every owner. Others are answered 202 and
    /// ignored, with a log line.
    /// </summary>
    public string AllowedRepositories { get; set; } = "";

    /// <summary>Largest body accepted; GitHub caps payloads at 25 MB. Default 26,214,400 bytes.</summary>
    public long MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// How long one delivery may wait on PostgreSQL (through a failover, say) before it is
    /// answered 503. Default 4 s: below HAProxy's 5 s server timeout, well inside GitHub's 10 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long a delivery waits for its queue pointer to reach Redis after the job is stored.
    /// The pointer is only an index (the leader's reconciler puts back any that is missing), so a
    /// Redis outage must not hold the answer: without a bound the client library waits up to its
    /// 5 s backlog timeout, and HAProxy (5 s) gives up on the delivery. Default 500 ms.
    /// </summary>
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
