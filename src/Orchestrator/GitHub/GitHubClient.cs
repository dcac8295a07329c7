using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.GitHub;

/// <summary>
/// GitHub's REST API over a typed <see cref="HttpClient"/> whose resilience handler (Polly, via
/// Microsoft.Extensions.Http.Resilience) retries transient failures and rate limits with
/// backoff, honouring <c>Retry-After</c> and <c>x-ratelimit-reset</c>.
/// </summary>
internal sealed partial class GitHubClient(HttpClient http, GitHubCredentials credentials, IOptions<GitHubOptions> options, ILogger<GitHubClient> logger) : IGitHubClient
{
    private const int MaxReRegistrations = 5;

    public async Task<JitConfig> GenerateJitConfigAsync(string repository, string runnerName, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        var body = new JitConfigRequest(runnerName, options.Value.RunnerGroupId, labels, "_work");
        HttpResponseMessage response;
        for (var attempt = 1; ; attempt++)
        {
            using var request = await RequestAsync(HttpMethod.Post, repository, $"repos/{repository}/actions/runners/generate-jitconfig", GitHubMetrics.GenerateJitConfig, cancellationToken);
            request.Content = JsonContent.Create(body, GitHubJsonContext.Default.JitConfigRequest);
            response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Conflict || attempt == MaxReRegistrations)
            {
                break;
            }

            // A retry after a lost reply finds its own registration: its config was lost with the
            // reply, so remove that runner and register the name again.
            response.Dispose();
            LogReRegistering(logger, runnerName, repository);
            await DeleteRunnerAsync(repository, runnerName, cancellationToken);
        }

        using var answered = response;
        await EnsureSuccessAsync(response, "generate-jitconfig", cancellationToken);
        var jit = await response.Content.ReadFromJsonAsync(GitHubJsonContext.Default.JitConfigResponse, cancellationToken);
        if (jit?.Runner is null || string.IsNullOrEmpty(jit.EncodedJitConfig))
        {
            throw new GitHubApiException((int)response.StatusCode, "generate-jitconfig answered without a runner or config");
        }

        LogJitConfig(logger, runnerName, jit.Runner.Id, repository);
        return new JitConfig(jit.Runner.Id, jit.Runner.Name ?? runnerName, jit.EncodedJitConfig);
    }

    public async Task<GitHubJob?> GetJobAsync(string repository, long jobId, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(HttpMethod.Get, repository, $"repos/{repository}/actions/jobs/{jobId}", GitHubMetrics.GetJob, cancellationToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "get job", cancellationToken);
        var job = await response.Content.ReadFromJsonAsync(GitHubJsonContext.Default.JobResponse, cancellationToken);
        return job is null ? null : new GitHubJob(job.Id, job.Status ?? "unknown", job.Conclusion, job.RunnerName);
    }

    public async Task<bool> DeleteRunnerAsync(string repository, string runnerName, CancellationToken cancellationToken)
    {
        // GitHub filters the list by name; GitHub Enterprise Server versions without the filter
        // (and the simulator) ignore it, so the name is still matched here, page by page.
        var name = Uri.EscapeDataString(runnerName);
        for (var page = 1; page <= 50; page++)
        {
            using var list = await RequestAsync(HttpMethod.Get, repository, $"repos/{repository}/actions/runners?name={name}&per_page=100&page={page}", GitHubMetrics.ListRunners, cancellationToken);
            using var response = await http.SendAsync(list, cancellationToken);
            await EnsureSuccessAsync(response, "list runners", cancellationToken);
            var runners = await response.Content.ReadFromJsonAsync(GitHubJsonContext.Default.RunnerListResponse, cancellationToken);
            if (runners?.Runners is not { Count: > 0 } items)
            {
                return false;
            }

            if (items.FirstOrDefault(r => string.Equals(r.Name, runnerName, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                using var delete = await RequestAsync(HttpMethod.Delete, repository, $"repos/{repository}/actions/runners/{found.Id}", GitHubMetrics.DeleteRunner, cancellationToken);
                using var deleted = await http.SendAsync(delete, cancellationToken);
                if (deleted.StatusCode == HttpStatusCode.NotFound)
                {
                    // Gone between the list and the delete.
                    return false;
                }

                await EnsureSuccessAsync(deleted, "delete runner", cancellationToken);
                LogRunnerDeleted(logger, runnerName, found.Id, repository);
                return true;
            }
        }

        return false;
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string repository, string path, string operation, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Options.Set(GitHubMetrics.OperationKey, operation);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await credentials.GetTokenAsync(http, repository, cancellationToken));
        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new GitHubApiException((int)response.StatusCode, $"GitHub {call} answered {(int)response.StatusCode}: {(detail.Length > 300 ? detail[..300] : detail)}");
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "GitHub already has a runner {RunnerName} in {Repository} (a retried registration whose reply was lost); removing it and registering again")]
    private static partial void LogReRegistering(ILogger logger, string runnerName, string repository);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Information, Message = "GitHub deleted runner {RunnerName} (id {RunnerId}) of {Repository}")]
    private static partial void LogRunnerDeleted(ILogger logger, string runnerName, long runnerId, string repository);

    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "GitHub registered JIT runner {RunnerName} (id {RunnerId}) for {Repository}")]
    private static partial void LogJitConfig(ILogger logger, string runnerName, long runnerId, string repository);
}
