namespace RunnerHub.GitHubSimulator;

/// <summary>The simulated GitHub's settings. Section <c>Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Configuration section: <c>Simulator</c>.</summary>
    public const string SectionName = "Simulator";

    /// <summary>The webhook URL, as configured on a GitHub App or repository. Default <c>http://127.0.0.1:8080/api/webhooks/github</c>.</summary>
    public string WebhookUrl { get; set; } = "http://127.0.0.1:8080/api/webhooks/github";

    /// <summary>The secret the webhooks are signed with (<c>X-Hub-Signature-256</c>). Required.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>How long GitHub waits for a webhook answer before recording the delivery as failed. Default 10 s, as on GitHub.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many webhook requests may be in flight at once. Default 64.</summary>
    public int DeliveryConcurrency { get; set; } = 64;

    /// <summary>With the <c>reorder</c> fault, how long a partly filled reorder buffer waits before it is sent anyway. Default 500 ms.</summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a started runner (<c>run.sh</c>) waits for a matching queued job before it gives up with no job. Default 60 s.</summary>
    public TimeSpan RunnerJobWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>API calls allowed per hour window (<c>x-ratelimit-limit</c>). Default 5000, a GitHub App installation's base limit.</summary>
    public int ApiRateLimit { get; set; } = 5000;

    /// <summary>The GitHub App installation id the API reports and webhooks carry. Default 1.</summary>
    public long InstallationId { get; set; } = 1;

    /// <summary>The GitHub App id (<c>X-GitHub-Hook-Installation-Target-ID</c>, ping's <c>hook.app_id</c>). Default 1.</summary>
    public long AppId { get; set; } = 1;

    /// <summary>
    /// PEM file with the GitHub App's RSA public key (a private key PEM works too), as GitHub keeps
    /// it. When set, App JWTs are verified as GitHub does: RS256 signature, <c>iss</c> is
    /// <see cref="AppId"/>, <c>iat</c> in the past, <c>exp</c> in the future but at most 10
    /// minutes ahead. Default none: any token shaped like a JWT is accepted.
    /// </summary>
    public string? AppPublicKeyPath { get; set; }

    /// <summary>Most jobs kept in memory; <c>POST /jobs</c> beyond it is refused until <c>DELETE /_simulator/state</c>. Default 200000.</summary>
    public int MaxJobs { get; set; } = 200_000;
}
