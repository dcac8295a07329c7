using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>The election's published state; only <see cref="LeaderElector"/> changes it.</summary>
internal sealed class LeadershipState(IOptions<NodeOptions> node, TimeProvider time) : ILeadershipState
{
    private readonly Lock _gate = new();
    private Held? _held;
    private string? _leaderId;

    public string NodeId => node.Value.Id;

    public bool IsLeader => CurrentHeld is not null;

    public string? LeaderId => IsLeader ? NodeId : Volatile.Read(ref _leaderId);

    public long? FencingToken => CurrentHeld?.Term.Token;

    public DateTimeOffset? LeaseExpiresAt => CurrentHeld?.Clock.LeaseExpiresAt();

    public LeadershipTerm? Term => CurrentHeld?.Term;

    public event EventHandler<LeadershipChangedEventArgs>? Changed;

    // A term whose renew deadline has passed is over even before the elector notices (a node
    // resumed after SIGSTOP must not answer "leader" for a moment).
    private Held? CurrentHeld => Volatile.Read(ref _held) is { } held && !held.Ended.IsCancellationRequested && !held.Clock.MustStepDown() ? held : null;

    /// <summary>What a follower saw in Redis: who leads, or null.</summary>
    public void Observed(string? leaderId) => Volatile.Write(ref _leaderId, leaderId);

    /// <summary>This node became leader.</summary>
    public LeadershipTerm Acquired(long token, LeaseClock clock)
    {
        var ended = new CancellationTokenSource();
        var term = new LeadershipTerm(token, time.GetUtcNow(), ended.Token);
        lock (_gate)
        {
            End(_held);
            _held = new Held(term, clock, ended);
            _leaderId = NodeId;
        }

        Changed?.Invoke(this, new LeadershipChangedEventArgs(isLeader: true, token, "acquired"));
        return term;
    }

    /// <summary>This node stopped leading; the term's token fires before anyone is told.</summary>
    public void Lost(string reason)
    {
        Held? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
            if (_leaderId == NodeId)
            {
                _leaderId = null;
            }
        }

        if (held is null)
        {
            return;
        }

        End(held);
        Changed?.Invoke(this, new LeadershipChangedEventArgs(isLeader: false, held.Term.Token, reason));
    }

    private static void End(Held? held)
    {
        if (held is null)
        {
            return;
        }

        // Not disposed: tasks may still hold the term's token; a CancellationTokenSource without a timer needs no disposing.
        held.Ended.Cancel();
    }

    private sealed record Held(LeadershipTerm Term, LeaseClock Clock, CancellationTokenSource Ended);
}
