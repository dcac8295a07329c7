using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Monitoring;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// Leader task: a runner not heard from for <see cref="RunnersOptions.OfflineAfter"/> goes
/// offline, and the jobs dispatched to it that GitHub has not started go back to their queues
/// (or to dead after the last attempt) without waiting for their leases. Jobs GitHub has started
/// stay: GitHub's <c>completed</c> webhook closes them. One fenced transaction per run.
/// </summary>
internal sealed partial class SilentRunnersTask(
    IJobQueue queue,
    JobMetrics metrics,
    IOptions<RunnersOptions> runners,
    IOptions<DispatchOptions> dispatch,
    ILogger<SilentRunnersTask> logger) : ILeaderTask
{
    public string Name => "silent-runners";

    public TimeSpan Interval => TimeSpan.FromSeconds(2);

    public async Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        var (offline, released) = await context.FencedAsync(MarkOfflineAsync, cancellationToken);
        foreach (var name in offline)
        {
            LogOffline(logger, name, runners.Value.OfflineAfter.TotalSeconds);
        }

        foreach (var (jobId, labelKey, runner, dead) in released)
        {
            if (dead)
            {
                metrics.Failed(labelKey, JobFailure.AttemptsExhausted);
                LogDead(logger, jobId, runner);
                continue;
            }

            LogGivenBack(logger, jobId, runner);
            await queue.EnqueueAsync(LabelSet.Parse(labelKey), jobId);
        }
    }

    private async ValueTask<(List<string> Offline, List<(long JobId, string LabelKey, string Runner, bool Dead)> Released)> MarkOfflineAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var offline = new List<string>();
        await using (var mark = new NpgsqlCommand(
            """
            UPDATE runners SET node_id = NULL, connection_id = NULL, free_slots = 0
            WHERE node_id IS NOT NULL AND (last_heartbeat_at IS NULL OR last_heartbeat_at < now() - @after)
            RETURNING name
            """, connection, transaction))
        {
            mark.Parameters.AddWithValue("after", runners.Value.OfflineAfter);
            await using var reader = await mark.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                offline.Add(reader.GetString(0));
            }
        }

        var released = new List<(long, string, string, bool)>();
        await using (var giveBack = new NpgsqlCommand(
            """
            WITH silent AS (
                SELECT runner_id, name FROM runners
                WHERE node_id IS NULL AND (last_heartbeat_at IS NULL OR last_heartbeat_at < now() - @after)
            ), back AS (
                UPDATE jobs j SET
                    state = CASE WHEN j.attempt - j.rebounds - j.attempts_forgiven >= @max THEN 'dead' ELSE 'queued' END,
                    dead_reason = CASE WHEN j.attempt - j.rebounds - j.attempts_forgiven >= @max THEN 'its runner went silent after ' || (j.attempt - j.rebounds - j.attempts_forgiven) || ' failed dispatch attempt(s)' END,
                    runner_id = NULL, lease_until = NULL, updated_at = now()
                FROM silent s
                WHERE j.state = 'dispatched' AND j.runner_id = s.runner_id
                RETURNING j.job_id, j.label_key, j.state, s.name
            )
            SELECT job_id, label_key, name, state FROM back
            """, connection, transaction))
        {
            giveBack.Parameters.AddWithValue("after", runners.Value.OfflineAfter);
            giveBack.Parameters.AddWithValue("max", dispatch.Value.MaxAttempts);
            await using var reader = await giveBack.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                released.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3) == "dead"));
            }
        }

        return (offline, released);
    }

    [LoggerMessage(EventId = 1620, Level = LogLevel.Warning, Message = "Runner {Name} silent for more than {Seconds} s: offline")]
    private static partial void LogOffline(ILogger logger, string name, double seconds);

    [LoggerMessage(EventId = 1622, Level = LogLevel.Warning, Message = "Job {JobId} was dispatched to silent runner {Runner} on its last failed attempt: dead")]
    private static partial void LogDead(ILogger logger, long jobId, string runner);

    [LoggerMessage(EventId = 1621, Level = LogLevel.Warning, Message = "Job {JobId} was dispatched to silent runner {Runner} and GitHub had not started it: back to its queue")]
    private static partial void LogGivenBack(ILogger logger, long jobId, string runner);
}
