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

    /// <summary>
    /// A heartbeat's view. Its free slots were counted when the runner sent it, so dispatches
    /// this node saw acknowledged since (the runner's <paramref name="accepted"/> count is behind
    /// ours) still look free in it: they are taken off. Without a count (an older runner), or
    /// from another connection, the heartbeat is taken as it is.
    /// </summary>
    public void Report(ConnectedRunner runner, long? accepted) =>
        _runners.AddOrUpdate(runner.RunnerId, runner with { Acknowledged = accepted }, (_, current) => Corrected(current, runner, accepted));

    /// <summary>
    /// The free slots a runner reported with a job's exit, taken like a heartbeat's (see
    /// <see cref="Report"/>), on the connection that reported them only.
    /// </summary>
    public void ReportFreeSlots(Guid runnerId, string connectionId, int freeSlots, long? accepted)
    {
        while (_runners.TryGetValue(runnerId, out var current) && current.ConnectionId == connectionId
            && !_runners.TryUpdate(runnerId, Corrected(current, current with { FreeSlots = Math.Clamp(freeSlots, 0, current.Slots) }, accepted), current))
        {
            // Raced with a heartbeat or another update: apply to the newer state.
        }
    }

    private static ConnectedRunner Corrected(ConnectedRunner current, ConnectedRunner reported, long? accepted)
    {
        if (accepted is not { } seen || current.Acknowledged is not { } counted || current.ConnectionId != reported.ConnectionId)
        {
            return reported with { Acknowledged = accepted };
        }

        var unseen = (int)Math.Clamp(counted - seen, 0, reported.Slots);
        return reported with { FreeSlots = Math.Max(0, reported.FreeSlots - unseen), Acknowledged = counted };
    }

    public void Remove(Guid runnerId, string connectionId)
    {
        if (_runners.TryGetValue(runnerId, out var current) && current.ConnectionId == connectionId)
        {
            _runners.TryRemove(KeyValuePair.Create(runnerId, current));
        }
    }

    /// <summary>Counts a slot as free right after its job's process ended (a runner that does not report its free slots with the exit).</summary>
    public void FreeSlot(Guid runnerId)
    {
        while (_runners.TryGetValue(runnerId, out var current)
            && !_runners.TryUpdate(runnerId, current with { FreeSlots = Math.Min(current.Slots, current.FreeSlots + 1) }, current))
        {
            // Raced with a heartbeat or another update: apply to the newer state.
        }
    }

    /// <summary>Counts a slot as taken right after an acknowledged dispatch, before the next heartbeat says so.</summary>
    public void TakeSlot(Guid runnerId)
    {
        while (_runners.TryGetValue(runnerId, out var current)
            && !_runners.TryUpdate(runnerId, current with { FreeSlots = Math.Max(0, current.FreeSlots - 1), Acknowledged = current.Acknowledged + 1 }, current))
        {
            // Raced with a heartbeat or another update: apply to the newer state.
        }
    }
}

/// <summary>A runner connected to this node.</summary>
/// <param name="RunnerId">The registered runner's id.</param>
/// <param name="Name">The registered runner's name.</param>
/// <param name="ConnectionId">Its SignalR connection to this node.</param>
/// <param name="Labels">Its labels: it takes jobs whose labels are a subset.</param>
/// <param name="Slots">How many jobs it runs at once.</param>
/// <param name="FreeSlots">Slots free as this node believes: its last report, less dispatches since, plus exits since.</param>
/// <param name="Draining">Takes no new work.</param>
/// <param name="Acknowledged">
/// Dispatches the runner has started, as this node counts them: the runner's count at its
/// announce plus every dispatch acknowledged on this connection since. Null when the runner does
/// not report its count.
/// </param>
internal sealed record ConnectedRunner(Guid RunnerId, string Name, string ConnectionId, LabelSet Labels, int Slots, int FreeSlots, bool Draining, long? Acknowledged = null);
