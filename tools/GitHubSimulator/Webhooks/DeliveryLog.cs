using System.Collections.Concurrent;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>Every delivery since the last reset. <see cref="Generation"/> changes on reset, so work queued before it is discarded.</summary>
internal sealed class DeliveryLog
{
    private readonly ConcurrentDictionary<Guid, DeliveryRecord> _records = new();
    private int _generation;

    public int Generation => Volatile.Read(ref _generation);

    public void Add(DeliveryRecord record) => _records[record.Id] = record;

    public DeliveryRecord? Get(Guid id) => _records.GetValueOrDefault(id);

    public ICollection<DeliveryRecord> All() => _records.Values;

    /// <summary>The state of a job's <c>queued</c> delivery; <c>pending</c> while it has none (not created yet, or waiting for approval).</summary>
    public string StateOf(Guid? deliveryId) =>
        deliveryId is { } id && Get(id) is { } record ? record.State : DeliveryStates.Pending;

    public void Reset()
    {
        Interlocked.Increment(ref _generation);
        _records.Clear();
    }
}
