namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// One job to run: the dispatch the orchestrator sent, with its just-in-time runner config.
/// </summary>
/// <param name="JobId">GitHub's workflow job id.</param>
/// <param name="Attempt">The orchestrator's dispatch attempt, 1 or more; every report carries it.</param>
/// <param name="RunnerName">The name GitHub knows this ephemeral runner by.</param>
/// <param name="JitConfig">The single-use, secret JIT config; never logged, never written to a file.</param>
/// <param name="Labels">The job's labels, for the log header.</param>
internal sealed record JobLaunch(long JobId, int Attempt, string RunnerName, string JitConfig, IReadOnlyList<string> Labels)
{
    /// <summary>Throws when the launch cannot be run, naming the field (never the JIT config's value).</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(JobId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Attempt);
        ArgumentException.ThrowIfNullOrWhiteSpace(RunnerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(JitConfig);
        ArgumentNullException.ThrowIfNull(Labels);
    }

    // The generated ToString would print the secret into any log line that formats a launch.
    public override string ToString() =>
        $"JobLaunch {{ JobId = {JobId}, Attempt = {Attempt}, RunnerName = {RunnerName}, JitConfig = (redacted), Labels = [{string.Join(",", Labels)}] }}";
}
