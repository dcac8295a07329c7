using System.Collections.Concurrent;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// Creates a batch's jobs in the background at the requested rate, each with its
/// <c>queued</c> (or <c>waiting</c>) webhook at the moment it is created, as GitHub does when a
/// workflow run starts. Pacing follows an absolute schedule, so a late tick catches up rather
/// than drifting.
/// </summary>
internal sealed class BatchRunner(
    JobStore jobs,
    WorkflowJobWebhooks webhooks,
    SimulatorIds ids,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<BatchRunner> logger)
{
    private readonly ConcurrentDictionary<long, Batch> _batches = new();
    private readonly Lock _gate = new();
    private CancellationTokenSource _generation = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);

    public Batch Start(BatchRequest request)
    {
        var firstJob = ids.ReserveJobs(request.Count);
        var firstRun = ids.ReserveRuns(request.Count);
        var batch = new Batch(ids.NextBatch(), firstJob, request.Count, request.Rate, time.GetUtcNow());
        _batches[batch.Id] = batch;
        CancellationToken token;
        lock (_gate)
        {
            token = _generation.Token;
        }

        Log.BatchStarted(logger, batch.Id, request.Count, request.Rate, request.EffectiveLabelSets.Count, request.EffectiveRepositories.Count);
        _ = Task.Run(() => RunAsync(batch, request, firstRun, token), CancellationToken.None);
        return batch;
    }

    public Batch? Get(long id) => _batches.GetValueOrDefault(id);

    /// <summary>Stops every running batch and forgets them all.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            // Not disposed: running batches may still read the old token; it is only garbage after they stop.
            _generation.Cancel();
            _generation = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        }

        _batches.Clear();
    }

    internal async Task RunAsync(Batch batch, BatchRequest request, long firstRun, CancellationToken cancellationToken)
    {
        var labelSets = request.EffectiveLabelSets;
        var repositories = request.EffectiveRepositories.Select(r => RepositoryName.TryParse(r, out var name) ? name : throw new ArgumentException(r)).ToArray();
        var started = time.GetTimestamp();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (request.Rate > 0)
                {
                    var wait = TimeSpan.FromSeconds(i / request.Rate) - time.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, time, cancellationToken);
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                var job = jobs.Create(new NewJob(
                    batch.FirstJobId + i,
                    firstRun + i,
                    repositories[i % repositories.Length],
                    $"{request.JobName ?? "build"} {i + 1}",
                    request.WorkflowName ?? "CI",
                    labelSets[i % labelSets.Count],
                    TimeSpan.FromMilliseconds(request.DurationMs),
                    batch.Id,
                    request.Waiting));
                batch.JobCreated();
                webhooks.Send(job, job.Status);
            }

            batch.Finish(cancelled: false);
            Log.BatchFinished(logger, batch.Id, batch.Created, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            batch.Finish(cancelled: true);
            Log.BatchCancelled(logger, batch.Id, batch.Created, batch.Count);
        }
        catch (Exception ex)
        {
            batch.Finish(cancelled: true);
            Log.BatchFailed(logger, ex, batch.Id, batch.Created, batch.Count);
        }
    }
}
