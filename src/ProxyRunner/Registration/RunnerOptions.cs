namespace RunnerHub.ProxyRunner.Registration;

/// <summary>Who this proxy runner is and what it offers. Section <c>Runner</c>.</summary>
public sealed class RunnerOptions
{
    /// <summary>Configuration section: <c>Runner</c>.</summary>
    public const string SectionName = "Runner";

    /// <summary>Unique, stable name of this proxy runner, for example <c>runner-1</c>. Required.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// Comma-separated labels this runner serves, for example <c>self-hosted,linux,x64</c>;
    /// compared case-insensitively. Default <c>self-hosted,linux,x64</c>.
    /// </summary>
    public string Labels { get; set; } = "self-hosted,linux,x64";

    /// <summary>How many jobs this runner runs at once. Default 1, at most 64.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>The orchestrators' WebSocket entry point (HAProxy :8081). Default <c>http://127.0.0.1:8081</c>.</summary>
    public string OrchestratorUrl { get; set; } = "http://127.0.0.1:8081";

    /// <summary>Where this runner keeps its identity and job logs. Required.</summary>
    public string StateDirectory { get; set; } = "";

    /// <summary>
    /// A registration token from an operator (<c>POST /api/runners/registration-tokens</c>), used
    /// once to register; afterwards the runner keeps its id and credential in
    /// <see cref="StateDirectory"/> and needs no token. Required only for the first start.
    /// </summary>
    public string? RegistrationToken { get; set; }
}
