namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// Every job the simulated GitHub knows, in memory. One lock guards all job state, so a claim
/// (oldest matching queued job → in progress) is atomic and two runners never get the same job.
/// </summary>
internal sealed class JobStore(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SimulatedJob> _jobs = [];

    // Queued jobs in creation order: a runner takes the oldest one it can run.
    private readonly SortedDictionary<long, SimulatedJob> _queued = [];
    private long _sequence;
    private TaskCompletionSource _queuedSignal = NewSignal();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _jobs.Count;
            }
        }
    }

    /// <summary>Completes when a job next becomes queued; take it before looking, then look, then wait.</summary>
    public Task QueuedSignal
    {
        get
        {
            lock (_gate)
            {
                return _queuedSignal.Task;
            }
        }
    }

    public JobSnapshot Create(NewJob spec)
    {
        lock (_gate)
        {
            var job = new SimulatedJob(spec, ++_sequence, time.GetUtcNow());
            _jobs.Add(spec.Id, job);
            if (job.Status == JobStatus.Queued)
            {
                EnqueueLocked(job);
            }

            return job.Snapshot();
        }
    }

    public JobSnapshot? Get(long id)
    {
        lock (_gate)
        {
            return _jobs.TryGetValue(id, out var job) ? job.Snapshot() : null;
        }
    }

    public IReadOnlyList<JobSnapshot> All()
    {
        lock (_gate)
        {
            return [.. _jobs.Values.Select(j => j.Snapshot())];
        }
    }

    /// <summary>Records a webhook sent about a job; the first <c>queued</c> one decides whether the job counts as delivered.</summary>
    public void AddDelivery(long jobId, Guid deliveryId, bool isQueued)
    {
        lock (_gate)
        {
            if (_jobs.TryGetValue(jobId, out var job))
            {
                job.Deliveries.Add(deliveryId);
                job.QueuedDeliveryId ??= isQueued ? deliveryId : null;
            }
        }
    }

    /// <summary>Moves the oldest queued job <paramref name="canRun"/> accepts to in progress on this runner.</summary>
    public JobSnapshot? TryClaim(Func<RepositoryName, IReadOnlySet<string>, bool> canRun, long runnerId, string runnerName)
    {
        lock (_gate)
        {
            foreach (var (sequence, job) in _queued)
            {
                if (!canRun(job.Spec.Repository, job.LabelSet))
                {
                    continue;
                }

                _queued.Remove(sequence);
                job.Status = JobStatus.InProgress;
                job.StartedAt = time.GetUtcNow();
                job.RunnerId = runnerId;
                job.RunnerName = runnerName;
                return job.Snapshot();
            }

            return null;
        }
    }

    /// <summary>Completes an in-progress job; null if it is not in progress (or was reset away).</summary>
    public JobSnapshot? Complete(long id, string conclusion)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var job) || job.Status != JobStatus.InProgress)
            {
                return null;
            }

            job.Status = JobStatus.Completed;
            job.Conclusion = conclusion;
            job.CompletedAt = time.GetUtcNow();
            return job.Snapshot();
        }
    }

    /// <summary>A waiting job (deployment protection) is approved and becomes queued.</summary>
    public (JobSnapshot? Job, string? Problem) Approve(long id)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var job))
            {
                return (null, null);
            }

            if (job.Status != JobStatus.Waiting)
            {
                return (job.Snapshot(), $"job {id} is {job.Status}, not waiting");
            }

            EnqueueLocked(job);
            return (job.Snapshot(), null);
        }
    }

    /// <summary>A queued or waiting job is cancelled, as when its run is cancelled before a runner took it.</summary>
    public (JobSnapshot? Job, string? Problem) Cancel(long id)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var job))
            {
                return (null, null);
            }

            if (job.Status is not (JobStatus.Queued or JobStatus.Waiting))
            {
                return (job.Snapshot(), $"job {id} is {job.Status}; only queued or waiting jobs can be cancelled here");
            }

            _queued.Remove(job.Sequence);
            job.Status = JobStatus.Completed;
            job.Conclusion = JobStatus.Cancelled;
            job.CompletedAt = time.GetUtcNow();
            return (job.Snapshot(), null);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _jobs.Clear();
            _queued.Clear();
        }
    }

    private void EnqueueLocked(SimulatedJob job)
    {
        job.Status = JobStatus.Queued;
        _queued.Add(job.Sequence, job);
        var signal = _queuedSignal;
        _queuedSignal = NewSignal();
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
