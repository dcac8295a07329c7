using System.Collections.Concurrent;
using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// The runners connected to this node, as their last announce or heartbeat said. Only this node
/// dispatches to them (DESIGN.md: a runner's dispatches are made by the node it is connected to).
/// </summary>
internal sealed class ConnectedRunners
{
    private readonly ConcurrentDictionary<Guid, ConnectedRunner> _runners = new();

    public IReadOnlyCollection<ConnectedRunner> All => [.. _runners.Values];

    public void Update(ConnectedRunner runner) => _runners[runner.RunnerId] = runner;

    public void Remove(Guid runnerId, string connectionId)
    {
        if (_runners.TryGetValue(runnerId, out var current) && current.ConnectionId == connectionId)
        {
            _runners.TryRemove(KeyValuePair.Create(runnerId, current));
        }
    }

    /// <summary>Counts a slot as free right after its job's process ended, before the next heartbeat says so.</summary>
    public void FreeSlot(Guid runnerId)
    {
        if (_runners.TryGetValue(runnerId, out var current))
        {
            _runners.TryUpdate(runnerId, current with { FreeSlots = Math.Min(current.Slots, current.FreeSlots + 1) }, current);
        }
    }

    /// <summary>Counts a slot as taken right after a dispatch, before the next heartbeat says so.</summary>
    public void TakeSlot(Guid runnerId)
    {
        if (_runners.TryGetValue(runnerId, out var current))
        {
            _runners.TryUpdate(runnerId, current with { FreeSlots = Math.Max(0, current.FreeSlots - 1) }, current);
        }
    }
}

internal sealed record ConnectedRunner(Guid RunnerId, string Name, string ConnectionId, LabelSet Labels, int Slots, int FreeSlots, bool Draining);
