using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>What GitHub's answer about a job says: <see cref="Completed"/>, <see cref="Unknown"/> to GitHub, or still <see cref="Open"/> there.</summary>
internal enum GitHubVerdict
{
    Completed,
    Unknown,
    Open,
}

/// <summary>
/// The one rule for GitHub's answer about a job RunnerHub has unfinished, used by the leader's
/// re-check (<see cref="GitHubRecheckTask"/>) and an operator's: GitHub says completed: the job is
/// closed with GitHub's conclusion (its <c>completed</c> webhook was lost: GitHub never retries);
/// GitHub does not know it: dead, with the caller's reason; anything else: it stays, and the
/// answer is noted (<c>rechecked_at</c>) so the leader waits another period before asking again.
/// One conditional update (a webhook may have finished the job meanwhile), counted in the job
/// metrics; a closed job's queue pointer is removed. The caller says how the update runs: fenced
/// for the leader, plain for an operator.
/// </summary>
internal sealed class GitHubJobAnswers(IJobQueue queue, JobMetrics metrics)
{
    /// <summary>How long removing a closed job's queue pointer may take; a pointer left behind is dropped by the dispatcher (the job is no longer queued).</summary>
    private static readonly TimeSpan RedisBudget = TimeSpan.FromSeconds(2);

    /// <summary>Runs the update: in the leader's fenced transaction, or on a plain connection (no transaction).</summary>
    public delegate ValueTask<string?> Writer(Func<NpgsqlConnection, NpgsqlTransaction?, CancellationToken, ValueTask<string?>> update, CancellationToken cancellationToken);

    public static GitHubVerdict Judge(GitHubJob? answer) => answer switch
    {
        null => GitHubVerdict.Unknown,
        { Status: "completed" } => GitHubVerdict.Completed,
        _ => GitHubVerdict.Open,
    };

    /// <summary>Applies <paramref name="answer"/> to job <paramref name="jobId"/>; true when the job was still unfinished here and changed.</summary>
    public async Task<bool> ApplyAsync(long jobId, GitHubJob? answer, string deadReason, Writer write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var verdict = Judge(answer);
        var labelKey = await write(
            async (connection, transaction, ct) =>
            {
                var set = verdict switch
                {
                    GitHubVerdict.Completed => "state = 'completed', conclusion = @conclusion, completed_at = now(), runner_id = NULL, lease_until = NULL, updated_at = now()",
                    GitHubVerdict.Unknown => "state = 'dead', dead_reason = @reason, runner_id = NULL, lease_until = NULL, updated_at = now()",
                    _ => "rechecked_at = now()",
                };
                await using var command = new NpgsqlCommand(
                    $"UPDATE jobs SET {set} WHERE job_id = @id AND state IN ('waiting', 'queued', 'dispatched', 'in_progress') RETURNING label_key",
                    connection,
                    transaction);
                command.Parameters.AddWithValue("id", jobId);
                if (verdict == GitHubVerdict.Completed)
                {
                    command.Parameters.AddWithValue("conclusion", (object?)answer!.Conclusion ?? DBNull.Value);
                }
                else if (verdict == GitHubVerdict.Unknown)
                {
                    command.Parameters.AddWithValue("reason", deadReason);
                }

                return await command.ExecuteScalarAsync(ct) as string;
            },
            cancellationToken);
        if (labelKey is null || verdict == GitHubVerdict.Open)
        {
            return labelKey is not null;
        }

        if (verdict == GitHubVerdict.Completed)
        {
            // No run duration: completed_at here is our clock, started_at GitHub's (if any).
            metrics.Completed(labelKey, answer!.Conclusion, null, null);
        }
        else
        {
            metrics.Failed(labelKey, JobFailure.GitHubGone);
        }

        try
        {
            await queue.RemoveAsync(LabelSet.Parse(labelKey), jobId).WaitAsync(RedisBudget, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || RedisErrors.IsOutage(ex))
        {
            // A pointer left behind is dropped by the dispatcher: the job is no longer queued.
        }

        return true;
    }
}
