namespace RunnerHub.ProxyRunner;

/// <summary>
/// Reconnect delays: exponential from 0.5 s, capped at 30 s, with ±50 % jitter so a fleet that
/// lost its orchestrator does not come back in one synchronised wave.
/// </summary>
internal static class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    /// <summary>The delay before attempt <paramref name="attempt"/> (1-based).</summary>
    public static TimeSpan Delay(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponent = Math.Clamp(attempt - 1, 0, 16);
        var baseDelay = Math.Min(First.TotalMilliseconds * Math.Pow(2, exponent), Cap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(baseDelay * (0.5 + random.NextDouble()));
    }
}
