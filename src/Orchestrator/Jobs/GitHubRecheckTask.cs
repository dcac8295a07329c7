using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// Leader task: jobs left unfinished and unchanged for <see cref="GitHubRecheckOptions.After"/>,
/// or rebounded <see cref="GitHubRecheckOptions.AfterRebounds"/> times, are asked about at
/// GitHub, a few per look (rebounding ones first, then the oldest), and the answer applied by
/// <see cref="GitHubJobAnswers"/> (completed there: closed here; unknown there: dead; otherwise
/// noted, so the job waits another period). Writes are fenced.
/// </summary>
internal sealed partial class GitHubRecheckTask(
    PostgresDatabase database,
    IGitHubClient github,
    GitHubJobAnswers answers,
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
            catch (Exception ex) when (GitHubErrors.IsCallFailure(ex))
            {
                // Rate limited or unreachable: the rest waits for the next look.
                LogGitHubFailed(logger, job.JobId, ex.Message);
                return;
            }

            var changed = await answers.ApplyAsync(
                job.JobId,
                answer,
                "GitHub no longer knows this job",
                (update, ct) => context.FencedAsync((connection, transaction, token) => update(connection, transaction, token), ct),
                cancellationToken);
            if (changed)
            {
                switch (GitHubJobAnswers.Judge(answer))
                {
                    case GitHubVerdict.Completed:
                        LogClosed(logger, job.JobId, job.Repository, job.State, answer!.Conclusion ?? "none");
                        break;
                    case GitHubVerdict.Unknown:
                        LogUnknown(logger, job.JobId, job.Repository, job.State);
                        break;
                }
            }
        }
    }

    private async Task<List<StaleJob>> StaleAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT job_id, repository, state FROM jobs
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
                    jobs.Add(new StaleJob(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
                }

                return jobs;
            },
            cancellationToken);

    private sealed record StaleJob(long JobId, string Repository, string State);

    [LoggerMessage(EventId = 1910, Level = LogLevel.Warning, Message = "Job {JobId} of {Repository} was {State} here but GitHub says completed ({Conclusion}): closed (its completed webhook never arrived)")]
    private static partial void LogClosed(ILogger logger, long jobId, string repository, string state, string conclusion);

    [LoggerMessage(EventId = 1911, Level = LogLevel.Warning, Message = "Job {JobId} of {Repository} was {State} here but GitHub does not know it: dead")]
    private static partial void LogUnknown(ILogger logger, long jobId, string repository, string state);

    [LoggerMessage(EventId = 1912, Level = LogLevel.Warning, Message = "Re-checking job {JobId} with GitHub failed ({Reason}); the rest waits for the next look")]
    private static partial void LogGitHubFailed(ILogger logger, long jobId, string reason);
}
