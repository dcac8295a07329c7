using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Dashboard;

/// <summary>
/// What an operator may do from the dashboard or the API: drain, resume or remove a runner,
/// retry a dead job, re-check a job with GitHub. Any node carries them out (PostgreSQL decides:
/// each change is one conditional update), and each is written to <c>audit_log</c> with the
/// operator's name, what it did and which node did it.
/// </summary>
internal sealed partial class OperatorActions(
    IRunnerStore runners,
    DashboardStore store,
    PostgresDatabase database,
    IJobQueue queue,
    IGitHubClient github,
    GitHubJobAnswers answers,
    IOptions<NodeOptions> node,
    ILogger<OperatorActions> logger)
{
    /// <summary>How long the Redis push of a retried job may take; past it the reconciler puts the pointer back later.</summary>
    private static readonly TimeSpan RedisBudget = TimeSpan.FromSeconds(2);

    public async Task<ActionResult> SetDrainingAsync(string @operator, string runner, bool draining, CancellationToken ct)
    {
        var action = draining ? "drain-runner" : "resume-runner";
        if (!await runners.SetDrainingAsync(runner, draining, ct))
        {
            return new ActionResult(false, $"no runner named '{runner}'");
        }

        var message = draining
            ? $"{runner} is draining: it finishes its jobs and takes no new ones"
            : $"{runner} takes jobs again";
        return await RecordAsync(@operator, action, runner, new ActionResult(true, message), ct);
    }

    public async Task<ActionResult> RemoveRunnerAsync(string @operator, string runner, CancellationToken ct)
    {
        if (!await runners.RemoveAsync(runner, ct))
        {
            return new ActionResult(false, $"no runner named '{runner}'");
        }

        return await RecordAsync(@operator, "remove-runner", runner, new ActionResult(true, $"{runner} is removed: its credential no longer works"), ct);
    }

    /// <summary>
    /// A dead job goes back to its queue with a fresh budget of dispatch attempts
    /// (<c>attempts_forgiven</c>); its attempt number keeps growing so JIT runner names stay unique.
    /// </summary>
    public async Task<ActionResult> RetryJobAsync(string @operator, long jobId, CancellationToken ct)
    {
        var labelKey = await database.RunAsync(
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    UPDATE jobs SET state = 'queued', dead_reason = NULL, runner_id = NULL, lease_until = NULL,
                                    attempts_forgiven = attempt - rebounds, rechecked_at = NULL, updated_at = now()
                    WHERE job_id = @id AND state = 'dead'
                    RETURNING label_key
                    """,
                    connection);
                command.Parameters.AddWithValue("id", jobId);
                return await command.ExecuteScalarAsync(token) as string;
            },
            ct);
        if (labelKey is null)
        {
            var state = await StateAsync(jobId, ct);
            return new ActionResult(false, state is null ? $"no job {jobId}" : $"job {jobId} is {state}, not dead: only dead jobs are retried");
        }

        string message;
        try
        {
            await queue.EnqueueAsync(LabelSet.Parse(labelKey), jobId).WaitAsync(RedisBudget, ct);
            message = $"job {jobId} is queued again for [{labelKey}]";
        }
        catch (Exception ex) when (ex is TimeoutException || RedisErrors.IsOutage(ex))
        {
            message = $"job {jobId} is queued again for [{labelKey}]; Redis did not take its pointer ({ex.Message}), the reconciler puts it back";
        }

        return await RecordAsync(@operator, "retry-job", jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), new ActionResult(true, message), ct);
    }

    /// <summary>
    /// Asks GitHub about the job now, as the leader's re-check does for stale jobs: GitHub says
    /// completed → the job is closed with its conclusion; GitHub does not know it → an
    /// unfinished job goes dead; otherwise only what GitHub said is reported.
    /// </summary>
    public async Task<ActionResult> RecheckJobAsync(string @operator, long jobId, CancellationToken ct)
    {
        var job = (await store.SearchJobsAsync(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), 10, ct)).FirstOrDefault(j => j.JobId == jobId);
        if (job is null)
        {
            return new ActionResult(false, $"no job {jobId}");
        }

        GitHubJob? answer;
        try
        {
            answer = await github.GetJobAsync(job.Repository, jobId, ct);
        }
        catch (Exception ex) when (GitHubErrors.IsCallFailure(ex))
        {
            return new ActionResult(false, $"GitHub did not answer about job {jobId}: {ex.Message}");
        }

        var unfinished = JobStates.FromColumn(job.State) is JobState.Waiting or JobState.Queued or JobState.Dispatched or JobState.InProgress;
        var changed = await answers.ApplyAsync(
            jobId,
            answer,
            "GitHub no longer knows this job (operator re-check)",
            (update, token) => database.RunAsync((connection, t) => update(connection, null, t), token),
            ct);
        var message = GitHubJobAnswers.Judge(answer) switch
        {
            GitHubVerdict.Unknown when changed => $"GitHub does not know job {jobId}: it is dead now",
            GitHubVerdict.Unknown => $"GitHub does not know job {jobId}; it stays {job.State}",
            GitHubVerdict.Completed when changed => $"GitHub says job {jobId} completed ({answer!.Conclusion ?? "no conclusion"}): closed here too",
            GitHubVerdict.Completed when unfinished => $"GitHub says job {jobId} completed; it changed here meanwhile",
            _ => $"GitHub says job {jobId} is {answer!.Status}{(answer.Conclusion is null ? "" : $" ({answer.Conclusion})")}; here it is {job.State}",
        };

        return await RecordAsync(@operator, "recheck-job", jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), new ActionResult(true, message), ct);
    }

    private async Task<string?> StateAsync(long jobId, CancellationToken ct) =>
        await database.RunAsync(
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand("SELECT state FROM jobs WHERE job_id = @id", connection);
                command.Parameters.AddWithValue("id", jobId);
                return await command.ExecuteScalarAsync(token) as string;
            },
            ct);

    /// <summary>Writes the audit entry of an action that was done. If that write fails the action stands and the log keeps the record.</summary>
    private async Task<ActionResult> RecordAsync(string @operator, string action, string target, ActionResult result, CancellationToken ct)
    {
        LogAction(logger, @operator, action, target, result.Message);
        try
        {
            await store.AuditAsync(@operator, action, target, result.Message, node.Value.Id, ct);
        }
        catch (Exception ex) when (PostgresErrors.IsOutage(ex))
        {
            LogAuditFailed(logger, ex, @operator, action, target);
        }

        return result;
    }

    [LoggerMessage(EventId = 2350, Level = LogLevel.Information, Message = "Operator {Operator} did {Action} on {Target}: {Result}")]
    private static partial void LogAction(ILogger logger, string @operator, string action, string target, string result);

    [LoggerMessage(EventId = 2351, Level = LogLevel.Error, Message = "Operator {Operator} did {Action} on {Target}, but the audit log could not record it")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string @operator, string action, string target);
}
