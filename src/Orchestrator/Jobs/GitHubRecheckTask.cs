using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// Leader task: jobs left unfinished and unchanged for <see cref="GitHubRecheckOptions.After"/>,
/// or rebounded <see cref="GitHubRecheckOptions.AfterRebounds"/> times, are asked about at
/// GitHub, a few per look (rebounding ones first, then the oldest). GitHub says completed: the job is
/// closed with GitHub's conclusion and its queue pointer removed (its <c>completed</c> webhook
/// was lost: GitHub never retries). GitHub does not know it: the job goes dead with the reason.
/// Otherwise the answer is noted so the job waits another period. Writes are fenced.
/// </summary>
internal sealed partial class GitHubRecheckTask(
    PostgresDatabase database,
    IGitHubClient github,
    IJobQueue queue,
    JobMetrics metrics,
    IOptions<GitHubRecheckOptions> options,
    ILogger<GitHubRecheckTask> logger) : ILeaderTask
{
    public string Name => "github-recheck";

    public TimeSpan Interval => options.Value.Interval;

    public async Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        foreach (var job in await StaleAsync(cancellationToken))
        {
            GitHubJob? answer;
            try
            {
                answer = await github.GetJobAsync(job.Repository, job.JobId, cancellationToken);
            }
            catch (Exception ex) when (ex is GitHubApiException or HttpRequestException or TimeoutException)
            {
                // Rate limited or unreachable: the rest waits for the next look.
                LogGitHubFailed(logger, job.JobId, ex.Message);
                return;
            }

            if (answer is null)
            {
                if (await UpdateAsync(context, job.JobId, "state = 'dead', dead_reason = 'GitHub no longer knows this job', runner_id = NULL, lease_until = NULL, updated_at = now()", cancellationToken) == 1)
                {
                    metrics.Failed(job.LabelKey, JobFailure.GitHubGone);
                }

                await queue.RemoveAsync(LabelSet.Parse(job.LabelKey), job.JobId);
                LogUnknown(logger, job.JobId, job.Repository, job.State);
            }
            else if (answer.Status == "completed")
            {
                var closed = await UpdateAsync(
                    context,
                    job.JobId,
                    "state = 'completed', conclusion = @conclusion, completed_at = now(), runner_id = NULL, lease_until = NULL, updated_at = now()",
                    cancellationToken,
                    c => c.Parameters.AddWithValue("conclusion", (object?)answer.Conclusion ?? DBNull.Value));
                if (closed == 1)
                {
                    // No run duration: completed_at here is our clock, started_at GitHub's (if any).
                    metrics.Completed(job.LabelKey, answer.Conclusion, null, null);
                }

                await queue.RemoveAsync(LabelSet.Parse(job.LabelKey), job.JobId);
                LogClosed(logger, job.JobId, job.Repository, job.State, answer.Conclusion ?? "none");
            }
            else
            {
                await UpdateAsync(context, job.JobId, "rechecked_at = now()", cancellationToken);
            }
        }
    }

    private async Task<List<StaleJob>> StaleAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT job_id, repository, label_key, state FROM jobs
                    WHERE state IN ('waiting', 'queued', 'dispatched', 'in_progress')
                      AND ((updated_at < now() - @after AND (rechecked_at IS NULL OR rechecked_at < now() - @after))
                           OR (rebounds >= @rebounds AND (rechecked_at IS NULL OR rechecked_at < now() - @interval)))
                    ORDER BY rebounds >= @rebounds DESC, updated_at LIMIT @batch
                    """,
                    connection);
                command.Parameters.AddWithValue("after", options.Value.After);
                command.Parameters.AddWithValue("rebounds", options.Value.AfterRebounds);
                command.Parameters.AddWithValue("interval", options.Value.Interval);
                command.Parameters.AddWithValue("batch", options.Value.Batch);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var jobs = new List<StaleJob>();
                while (await reader.ReadAsync(ct))
                {
                    jobs.Add(new StaleJob(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                }

                return jobs;
            },
            cancellationToken);

    /// <summary>One fenced update of a job that is still unfinished (a webhook may have closed it meanwhile); the rows it changed.</summary>
    private static async Task<int> UpdateAsync(LeaderTaskContext context, long jobId, string set, CancellationToken cancellationToken, Action<NpgsqlCommand>? parameters = null) =>
        await context.FencedAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    $"UPDATE jobs SET {set} WHERE job_id = @id AND state IN ('waiting', 'queued', 'dispatched', 'in_progress')", connection, transaction);
                command.Parameters.AddWithValue("id", jobId);
                parameters?.Invoke(command);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);

    private sealed record StaleJob(long JobId, string Repository, string LabelKey, string State);

    [LoggerMessage(EventId = 1910, Level = LogLevel.Warning, Message = "Job {JobId} of {Repository} was {State} here but GitHub says completed ({Conclusion}): closed (its completed webhook never arrived)")]
    private static partial void LogClosed(ILogger logger, long jobId, string repository, string state, string conclusion);

    [LoggerMessage(EventId = 1911, Level = LogLevel.Warning, Message = "Job {JobId} of {Repository} was {State} here but GitHub does not know it: dead")]
    private static partial void LogUnknown(ILogger logger, long jobId, string repository, string state);

    [LoggerMessage(EventId = 1912, Level = LogLevel.Warning, Message = "Re-checking job {JobId} with GitHub failed ({Reason}); the rest waits for the next look")]
    private static partial void LogGitHubFailed(ILogger logger, long jobId, string reason);
}
