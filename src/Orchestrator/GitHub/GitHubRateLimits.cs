using System.Globalization;
using System.Net;

namespace RunnerHub.Orchestrator.GitHub;

/// <summary>GitHub's rate-limit signals: which answers mean "wait", and for how long.</summary>
internal static class GitHubRateLimits
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>True for 429, and for 403 that carries <c>retry-after</c> or <c>x-ratelimit-remaining: 0</c> (GitHub's primary and secondary limits).</summary>
    public static bool IsRateLimited(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.TooManyRequests
        || (response.StatusCode == HttpStatusCode.Forbidden
            && (response.Headers.RetryAfter is not null || Header(response, "x-ratelimit-remaining") == "0"));

    /// <summary>
    /// How long to wait: <c>retry-after</c>, else until <c>x-ratelimit-reset</c>, capped at a
    /// minute (a longer limit is better surfaced as a failure than a hung dispatch); null when the
    /// answer says nothing.
    /// </summary>
    public static TimeSpan? Delay(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            var delay = retryAfter.Delta ?? (retryAfter.Date - now) ?? TimeSpan.Zero;
            return Clamp(delay);
        }

        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            return Clamp(DateTimeOffset.FromUnixTimeSeconds(reset) - now);
        }

        return null;
    }

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxWait ? MaxWait : delay;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
