namespace RunnerHub.GitHubSimulator;

/// <summary>Where the simulated GitHub sends its webhooks. Section <c>Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Configuration section: <c>Simulator</c>.</summary>
    public const string SectionName = "Simulator";

    /// <summary>The webhook URL, as configured on a GitHub App or repository. Default <c>http://127.0.0.1:8080/api/webhooks/github</c>.</summary>
    public string WebhookUrl { get; set; } = "http://127.0.0.1:8080/api/webhooks/github";

    /// <summary>The secret the webhooks are signed with (<c>X-Hub-Signature-256</c>). Required.</summary>
    public string WebhookSecret { get; set; } = "";
}
