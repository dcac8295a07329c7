namespace RunnerHub.GitHubSimulator.Runners;

/// <summary><c>POST /_simulator/runner/run</c>, as <c>run.sh --jitconfig …</c> sends it.</summary>
internal sealed record RunRequest
{
    /// <summary>The <c>encoded_jit_config</c> from generate-jitconfig.</summary>
    public string? Jitconfig { get; init; }

    /// <summary>How long to wait for a matching job; default <c>Simulator:RunnerJobWait</c>.</summary>
    public int? WaitMs { get; init; }
}
