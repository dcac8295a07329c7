namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// The names RunnerHub registers JIT runners under: <c>rh-{jobId}-{attempt}</c>. A dispatch is
/// known by this name in PostgreSQL (leases, releases, swaps), and an <c>in_progress</c>
/// webhook naming one tells which dispatch GitHub used.
/// </summary>
internal static class JitRunnerNames
{
    public const string Prefix = "rh-";

    /// <summary>The JIT runner name of attempt <paramref name="attempt"/> of job <paramref name="jobId"/>.</summary>
    public static string For(long jobId, int attempt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}{jobId}-{attempt}");

    /// <summary>
    /// True when <paramref name="runnerName"/> is a JIT runner RunnerHub launched for a job other
    /// than <paramref name="jobId"/>: only then can GitHub's choice leave another job without a runner.
    /// </summary>
    public static bool IsLaunchedForAnotherJob(string runnerName, long jobId) =>
        runnerName.StartsWith(Prefix, StringComparison.Ordinal)
        && !runnerName.StartsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}{jobId}-"), StringComparison.Ordinal);
}
