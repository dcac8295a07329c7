using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Hands queued jobs to the free slots of the runners connected to this node: take a pointer from
/// a queue whose labels the runner has (Redis, only an index), claim the job in PostgreSQL (which
/// decides), ask GitHub for a JIT config with exactly the job's labels, send it to the runner and
/// wait for its acknowledgement. Anything that fails puts the job back.
/// </summary>
internal sealed class Dispatcher(
    ConnectedRunners runners,
    IJobQueue queue,
    IDispatchStore store,
    IGitHubClient github,
    IHubContext<RunnerHubService, IRunnerClient> hub,
    DispatchSignal signal,
    IRedisConnection redis,
    SchemaState schema,
    JobMetrics metrics,
    DispatchMetrics steps,
    IOptions<DispatchOptions> options,
    IOptions<NodeOptions> node,
    ILogger<Dispatcher> logger) : BackgroundService
{
    private int _rotation;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        await redis.WaitAsync(stoppingToken);
        await PrepareAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (RedisErrors.IsOutage(ex) || PostgresErrors.IsOutage(ex))
            {
                Log.PassFailed(logger, ex.Message);
            }
        }
    }

    /// <summary>
    /// Drops whatever a previous run of this node left in its processing list (nothing works on
    /// it; the repair pass puts those jobs back from PostgreSQL) and subscribes to the nudges. A
    /// node often starts during a Redis failover (a promoted master refuses writes with NOREPLICAS
    /// until its replica is back): it waits that out, as a dispatch pass would, instead of
    /// failing and taking the host down with it.
    /// </summary>
    private async Task PrepareAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await queue.ResetProcessingAsync(node.Value.Id);
                await redis.GetDatabase().Multiplexer.GetSubscriber()
                    .SubscribeAsync(RedisChannel.Literal(redis.Options.KeyPrefix + "nudge"), (_, _) => signal.Raise());
                return;
            }
            catch (Exception ex) when (RedisErrors.IsOutage(ex))
            {
                Log.StartDeferred(logger, ex.Message);
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One pass over this node's runners with free slots. Runners are served side by side, and a
    /// runner's free slots are filled concurrently: each dispatch waits on PostgreSQL, GitHub and
    /// the runner's acknowledgement, so doing them one after another caps a node at a few dozen
    /// dispatches a second.
    /// </summary>
    internal Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var ready = runners.All.Where(r => !r.Draining && r.FreeSlots > 0).ToList();
        return ready.Count == 0 ? Task.CompletedTask : RunOnceAsync(ready, cancellationToken);
    }

    private async Task RunOnceAsync(List<ConnectedRunner> ready, CancellationToken cancellationToken)
    {
        var labelSets = await queue.LabelSetsAsync();
        await Task.WhenAll(ready.Select(runner => FillAsync(runner, labelSets, cancellationToken)));
    }

    /// <summary>
    /// Takes up to the runner's free slots of matching pointers, one from each matching queue in
    /// turn (starting at a different queue each pass), then dispatches them together. Draining one
    /// queue before the next would starve the jobs only this runner can serve (a GPU queue behind
    /// a busy generic one) for as long as the generic queue stays full.
    /// </summary>
    private async Task FillAsync(ConnectedRunner runner, IReadOnlyList<LabelSet> labelSets, CancellationToken cancellationToken)
    {
        var taken = new List<(LabelSet Labels, long JobId)>();
        var matching = labelSets.Where(l => l.IsSubsetOf(runner.Labels)).ToList();
        if (matching.Count > 1)
        {
            var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)matching.Count);
            matching = [.. matching.Skip(start), .. matching.Take(start)];
        }

        while (taken.Count < runner.FreeSlots && matching.Count > 0)
        {
            foreach (var labels in matching.ToList())
            {
                if (taken.Count >= runner.FreeSlots)
                {
                    break;
                }

                if (await queue.TakeAsync(labels, node.Value.Id) is { } jobId)
                {
                    taken.Add((labels, jobId));
                }
                else
                {
                    matching.Remove(labels);
                }
            }
        }

        var outcomes = await Task.WhenAll(taken.Select(t => DispatchOneAsync(runner, t.Labels, t.JobId, cancellationToken)));
        foreach (var _ in outcomes.Where(o => o == Outcome.Dispatched))
        {
            runners.TakeSlot(runner.RunnerId);
        }
    }

    private async Task<Outcome> DispatchOneAsync(ConnectedRunner runner, LabelSet labels, long jobId, CancellationToken cancellationToken)
    {
        var at = Stopwatch.GetTimestamp();
        var claim = await store.ClaimAsync(jobId, runner.RunnerId, options.Value.Lease, cancellationToken);
        at = steps.Step(DispatchMetrics.Claim, at);
        if (claim is null)
        {
            Log.NotQueued(logger, jobId);
            await queue.CompleteAsync(labels, node.Value.Id, jobId);
            return Outcome.NotQueued;
        }

        string? failure;
        var sent = false;
        try
        {
            var jit = await github.GenerateJitConfigAsync(claim.Repository, claim.JitRunnerName, claim.Labels, cancellationToken);
            at = steps.Step(DispatchMetrics.JitConfig, at);
            sent = true;
            var ack = await hub.Clients.Client(runner.ConnectionId)
                .Dispatch(new JobDispatch(jobId, claim.Attempt, claim.Repository, jit.RunnerName, jit.EncodedJitConfig, claim.Labels))
                .WaitAsync(options.Value.AckTimeout, cancellationToken);
            at = steps.Step(DispatchMetrics.Runner, at);
            if (ack.Started)
            {
                // Counted before the bookkeeping below: the runner runs the job even when it fails.
                metrics.Dispatched(labels.ToString(), claim.QueuedSince, claim.DispatchedAt);
                await queue.CompleteAsync(labels, node.Value.Id, jobId);
                await store.AcknowledgedAsync(jobId, claim.Attempt, cancellationToken);
                steps.Step(DispatchMetrics.Record, at);
                Log.Dispatched(logger, jobId, claim.Attempt, runner.Name, jit.RunnerName);
                return Outcome.Dispatched;
            }

            failure = $"runner refused: {ack.Reason}";
            sent = false;

            // Nothing started, but GitHub holds the registration. Deleted while the job is still
            // ours (dispatched): once released, another node may claim it under the same name and
            // register it again, and a later delete would remove that one.
            await DeleteRegistrationAsync(claim.Repository, jit.RunnerName);
        }
        catch (Exception ex) when (GitHubErrors.IsCallFailure(ex) || ex is InvalidOperationException or HubException)
        {
            failure = ex.Message;
        }

        // A refusal, or a failure before the dispatch went out, started nothing: the attempt is
        // given back and the next claim reuses the JIT runner name. A dispatch that went out but
        // was not answered may have started a runner: that name is spent (its process, if any, is
        // cancelled by the heartbeat comparison), so the next claim never deletes and re-registers
        // a runner that is running.
        Log.DispatchFailed(logger, jobId, claim.Attempt, runner.Name, failure);
        await store.ReleaseAsync(jobId, claim.Attempt, runner.RunnerId, attemptUsed: sent, CancellationToken.None);
        await queue.ReturnAsync(labels, node.Value.Id, jobId);
        return Outcome.Failed;
    }

    /// <summary>
    /// Best effort: when it fails, the next claim of the job under the same name replaces the
    /// registration (the client deletes one that exists before registering); a job that is
    /// never claimed again leaves it (logged, 1807).
    /// </summary>
    private async Task DeleteRegistrationAsync(string repository, string runnerName)
    {
        try
        {
            await github.DeleteRunnerAsync(repository, runnerName, CancellationToken.None);
        }
        catch (Exception ex) when (GitHubErrors.IsCallFailure(ex))
        {
            Log.RegistrationNotDeleted(logger, runnerName, repository, ex.Message);
        }
    }

    private enum Outcome
    {
        Dispatched,
        NotQueued,
        Failed,
    }
}
