namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>The PostgreSQL primary and its standbys as this node sees them.</summary>
internal sealed record DatabaseTopology(
    DatabaseServer? Primary,
    string? PrimaryError,
    IReadOnlyList<DatabaseReplica> Replicas,
    DatabaseServer? Standby,
    string? StandbyError);

/// <summary>A server this node reached: where it is and whether it is in recovery (a standby).</summary>
internal sealed record DatabaseServer(string Address, bool InRecovery, string? SynchronousStandbyNames);

/// <summary>A standby as the primary's <c>pg_stat_replication</c> reports it.</summary>
internal sealed record DatabaseReplica(
    string? ApplicationName,
    string? Address,
    string? State,
    string? SyncState,
    double? ReplayLagSeconds,
    long? LagBytes);
