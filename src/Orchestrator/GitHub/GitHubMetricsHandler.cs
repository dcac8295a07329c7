using System.Globalization;

namespace RunnerHub.Orchestrator.GitHub;

/// <summary>
/// Counts every HTTP attempt to GitHub (<see cref="GitHubMetrics"/>). Sits inside the resilience
/// handler, so each retry is counted and each answer's <c>x-ratelimit-remaining</c> is seen.
/// </summary>
internal sealed class GitHubMetricsHandler(GitHubMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.TryGetValue(GitHubMetrics.OperationKey, out var operation);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The resilience handler's attempt or total timeout cancels the call (so does a
            // stopping host: rare enough to count the same).
            metrics.Failed(operation, timedOut: true);
            throw;
        }
        catch (Exception)
        {
            metrics.Failed(operation, timedOut: false);
            throw;
        }

        var reset = Header(response, "x-ratelimit-reset") is { } seconds && seconds < 100_000_000_000 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        metrics.Answered(operation, (int)response.StatusCode, Header(response, "x-ratelimit-remaining"), reset);
        return response;
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values)
        && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
