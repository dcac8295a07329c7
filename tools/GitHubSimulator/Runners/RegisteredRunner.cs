using RunnerHub.GitHubSimulator.Jobs;

namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>A runner registered through generate-jitconfig; only <see cref="RunnerRegistry"/> touches it, under its lock.</summary>
internal sealed class RegisteredRunner(long id, string name, IReadOnlyList<string> labels, RunnerScope scope, byte[] secret, DateTimeOffset createdAt)
{
    public long Id { get; } = id;

    public string Name { get; } = name;

    public RunnerScope Scope { get; } = scope;

    /// <summary>The secret inside its JIT config; a config that does not carry it is refused.</summary>
    public byte[] Secret { get; } = secret;

    /// <summary>Its JIT config has been used (once is all a JIT config is good for).</summary>
    public bool Started { get; set; }

    public bool Online { get; set; }

    public bool Busy { get; set; }

    public RunnerSnapshot Snapshot() =>
        new(Id, Name, labels, Labels.Set(labels), Scope, Online ? "online" : "offline", Busy, Started, createdAt);
}
