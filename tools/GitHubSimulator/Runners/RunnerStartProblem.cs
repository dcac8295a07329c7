namespace RunnerHub.GitHubSimulator.Runners;

internal enum RunnerStartProblem
{
    None,

    /// <summary>No registered runner has this config (never issued, deleted, or reset away).</summary>
    Unknown,

    /// <summary>The config was used before: a JIT config is good for one runner start.</summary>
    AlreadyUsed,
}
