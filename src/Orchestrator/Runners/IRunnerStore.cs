using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>Proxy runners and registration tokens in the system of record.</summary>
internal interface IRunnerStore
{
    Task CreateRegistrationTokenAsync(byte[] tokenHash, string createdBy, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Registers (or re-registers, keeping the id) a runner; null when the token is unknown or expired.</summary>
    Task<Guid?> RegisterAsync(byte[] tokenHash, string name, LabelSet labels, int slots, byte[] credentialHash, CancellationToken cancellationToken);

    /// <summary>The runner a credential belongs to; null when unknown or removed.</summary>
    Task<RunnerIdentity?> AuthenticateAsync(byte[] credentialHash, CancellationToken cancellationToken);

    /// <summary>Records a (re)connection to <paramref name="nodeId"/> with the slots the runner announced; returns whether it is draining.</summary>
    Task<bool> ConnectedAsync(Guid runnerId, string nodeId, string connectionId, int slots, int freeSlots, string version, CancellationToken cancellationToken);

    /// <summary>Records a heartbeat; returns the runner's current standing (draining, removed).</summary>
    Task<RunnerStanding> HeartbeatAsync(Guid runnerId, string connectionId, int freeSlots, CancellationToken cancellationToken);

    /// <summary>Records a disconnect, unless the runner has already reconnected elsewhere.</summary>
    Task DisconnectedAsync(Guid runnerId, string connectionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunnerRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Sets or clears draining; false when no such runner.</summary>
    Task<bool> SetDrainingAsync(string name, bool draining, CancellationToken cancellationToken);

    /// <summary>Removes a runner: its credential stops working. False when no such runner.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken);
}

internal sealed record RunnerIdentity(Guid RunnerId, string Name, LabelSet Labels, int Slots);

internal sealed record RunnerStanding(bool Draining, bool Removed);

internal sealed record RunnerRecord(
    Guid RunnerId,
    string Name,
    IReadOnlyList<string> Labels,
    int Slots,
    int FreeSlots,
    bool Draining,
    bool Removed,
    string? NodeId,
    string? Version,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastHeartbeatAt,
    IReadOnlyList<long> RunningJobs);
