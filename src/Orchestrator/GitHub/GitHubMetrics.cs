using System.Diagnostics.Metrics;
using System.Globalization;

namespace RunnerHub.Orchestrator.GitHub;

/// <summary>
/// <c>runnerhub_github_api_calls_total</c> by <c>operation</c> (one fixed name per GitHub
/// endpoint RunnerHub calls, see the constants) and <c>status</c> (the HTTP status code, or
/// <c>error</c> when no answer came, <c>timeout</c> when the call was cancelled: an attempt or
/// total timeout), one per HTTP attempt (a retry is a call: each counts against the rate limit);
/// and <c>runnerhub_github_rate_limit_remaining</c>, the last <c>x-ratelimit-remaining</c> GitHub
/// answered this node. It is absent until one was seen, and again once that answer's window has
/// reset (<c>x-ratelimit-reset</c>): a node that stopped calling GitHub would otherwise show a
/// low figure for ever.
/// </summary>
internal sealed class GitHubMetrics
{
    public const string MeterName = "RunnerHub.Orchestrator.GitHub";

    public const string GenerateJitConfig = "generate_jitconfig";
    public const string GetJob = "get_job";
    public const string ListRunners = "list_runners";
    public const string DeleteRunner = "delete_runner";
    public const string GetInstallation = "get_installation";
    public const string CreateInstallationToken = "create_installation_token";
    public const string Other = "other";

    /// <summary>Where a request carries its operation name to the metrics handler.</summary>
    public static readonly HttpRequestOptionsKey<string> OperationKey = new("runnerhub.github.operation");

    private static readonly KeyValuePair<string, object?> Error = new("status", "error");
    private static readonly KeyValuePair<string, object?> Timeout = new("status", "timeout");

    // Status codes as tag values, made once.
    private static readonly KeyValuePair<string, object?>[] Statuses =
        [.. Enumerable.Range(0, 600).Select(code => new KeyValuePair<string, object?>("status", code.ToString(CultureInfo.InvariantCulture)))];

    private static readonly Dictionary<string, KeyValuePair<string, object?>> Operations =
        new[] { GenerateJitConfig, GetJob, ListRunners, DeleteRunner, GetInstallation, CreateInstallationToken, Other }
            .ToDictionary(o => o, o => new KeyValuePair<string, object?>("operation", o), StringComparer.Ordinal);

    private readonly Counter<long> _calls;
    private readonly TimeProvider _time;
    private RateLimit? _rateLimit;

    public GitHubMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>("runnerhub.github.api_calls", "{call}", "GitHub API calls (each HTTP attempt) by operation and HTTP status, error or timeout.");
        meter.CreateObservableGauge("runnerhub.github.rate_limit_remaining", ObserveRateLimit, "{call}", "x-ratelimit-remaining of the last GitHub answer that carried it.");
    }

    /// <summary>Counts an answered call and notes its rate-limit headers (remaining calls, and when the window resets).</summary>
    public void Answered(string? operation, int statusCode, long? rateLimitRemaining, DateTimeOffset? rateLimitReset)
    {
        _calls.Add(1, Operation(operation), statusCode is >= 0 and < 600 ? Statuses[statusCode] : Error);
        if (rateLimitRemaining is { } remaining and >= 0)
        {
            Volatile.Write(ref _rateLimit, new RateLimit(remaining, rateLimitReset));
        }
    }

    /// <summary>Counts a call that got no answer: <paramref name="timedOut"/> when it was cancelled.</summary>
    public void Failed(string? operation, bool timedOut) => _calls.Add(1, Operation(operation), timedOut ? Timeout : Error);

    private IEnumerable<Measurement<long>> ObserveRateLimit() =>
        Volatile.Read(ref _rateLimit) is { } last && !(last.ResetAt <= _time.GetUtcNow()) ? [new Measurement<long>(last.Remaining)] : [];

    private static KeyValuePair<string, object?> Operation(string? operation) =>
        operation is not null && Operations.TryGetValue(operation, out var tag) ? tag : Operations[Other];

    private sealed record RateLimit(long Remaining, DateTimeOffset? ResetAt);
}
