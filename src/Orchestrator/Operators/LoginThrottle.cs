using System.Collections.Concurrent;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Counts failed sign-ins per remote address in fixed one-minute windows; past
/// <see cref="MaxFailures"/> the address is refused until the window ends. Only failures count,
/// so operators who type the right token are never slowed. Per node and in memory: an attacker
/// spread over three nodes gets three times the budget, which is still nothing against a
/// 256-bit token. Behind HAProxy without X-Forwarded-For every client shares the proxy's
/// address, so a brute force also locks out browser sign-in on that node for the minute
/// (bearer tokens are unaffected).
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Failures)> _windows = new(StringComparer.Ordinal);

    /// <summary>The failures of <paramref name="address"/> in the current window when it is refused, else null.</summary>
    public int? Refused(string address) =>
        _windows.TryGetValue(address, out var w) && time.GetUtcNow() - w.Start < Window && w.Failures >= MaxFailures ? w.Failures : null;

    public void RecordFailure(string address)
    {
        var now = time.GetUtcNow();
        _windows.AddOrUpdate(address, _ => (now, 1), (_, w) => now - w.Start < Window ? (w.Start, w.Failures + 1) : (now, 1));
        if (_windows.Count > 10_000)
        {
            foreach (var (key, w) in _windows)
            {
                if (now - w.Start >= Window)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }
    }
}
