namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>A job's mutable record; only <see cref="JobStore"/> touches it, under its lock.</summary>
internal sealed class SimulatedJob(NewJob spec, long sequence, DateTimeOffset createdAt)
{
    public NewJob Spec { get; } = spec;

    /// <summary>Creation order across batches: "oldest queued job" means lowest sequence.</summary>
    public long Sequence { get; } = sequence;

    public IReadOnlySet<string> LabelSet { get; } = Labels.Set(spec.Labels);

    public string LabelSetKey { get; } = Labels.Key(spec.Labels);

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public string Status { get; set; } = spec.Waiting ? JobStatus.Waiting : JobStatus.Queued;

    public string? Conclusion { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public long? RunnerId { get; set; }

    public string? RunnerName { get; set; }

    public Guid? QueuedDeliveryId { get; set; }

    public List<Guid> Deliveries { get; } = [];

    public JobSnapshot Snapshot() => new(
        Spec.Id, Spec.RunId, 1, Spec.Repository, Spec.Name, Spec.WorkflowName, Spec.Labels, LabelSetKey, Spec.Duration, Spec.BatchId,
        Status, Conclusion, CreatedAt, StartedAt, CompletedAt, RunnerId, RunnerName, QueuedDeliveryId, [.. Deliveries]);
}
