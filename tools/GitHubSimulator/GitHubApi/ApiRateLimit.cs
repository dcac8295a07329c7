using Microsoft.Extensions.Options;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>
/// GitHub's primary rate limit: <c>Simulator:ApiRateLimit</c> calls per window; the window
/// starts with the first call and lasts an hour, then the count starts over.
/// </summary>
internal sealed class ApiRateLimit(IOptions<SimulatorOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private DateTimeOffset? _windowStart;
    private int _used;

    /// <summary>Counts one call (when <paramref name="count"/>) and returns the values to report.</summary>
    public RateLimitSnapshot Consume(bool count)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_windowStart is not { } start || now >= start + Window)
            {
                _windowStart = start = now;
                _used = 0;
            }

            var limit = options.Value.ApiRateLimit;
            var exceeded = count && _used >= limit;
            if (count && !exceeded)
            {
                _used++;
            }

            return new RateLimitSnapshot(limit, Math.Max(0, limit - _used), (start + Window).ToUnixTimeSeconds(), _used, exceeded);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _windowStart = null;
            _used = 0;
        }
    }
}
