namespace RunnerHub.Orchestrator.Dashboard;

/// <summary>
/// Everything the operator's dashboard shows, pushed over <c>/hubs/dashboard</c> as <c>snapshot</c>
/// about every second (camelCase JSON). A part that could not be read this time (PostgreSQL or
/// Redis out) is null and named in <see cref="Errors"/>; the page keeps showing what it had.
/// </summary>
internal sealed record DashboardSnapshot(
    DateTimeOffset GeneratedAt,
    string ServedBy,
    string? Operator,
    ClusterView Cluster,
    IReadOnlyList<QueueRow>? Queues,
    IReadOnlyList<RunnerRow>? Runners,
    IReadOnlyList<JobRow>? Jobs,
    IReadOnlyList<FailoverRow>? Failovers,
    ChartSeries? Charts,
    IReadOnlyList<AuditRow>? Audit,
    IReadOnlyList<string> Errors);

internal sealed record ClusterView(LeaderView? Leader, IReadOnlyList<NodeRow>? Nodes, RedisView Redis, PostgresView Postgres);

/// <summary>The node that leads as this node sees it (Redis lease), with its fencing token from PostgreSQL.</summary>
internal sealed record LeaderView(string NodeId, long? Token, DateTimeOffset? Since);

/// <summary>An orchestrator from the <c>nodes</c> table: healthy when heard from within three heartbeats.</summary>
internal sealed record NodeRow(
    string NodeId,
    string? Url,
    string Version,
    DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt,
    double UptimeSeconds,
    bool Healthy,
    bool Leader);

internal sealed record RedisView(
    string? Master,
    bool SentinelsAgree,
    IReadOnlyList<RedisReplicaRow> Replicas,
    IReadOnlyList<SentinelRow> Sentinels,
    string? Error);

internal sealed record RedisReplicaRow(string Address, string Flags, string? Link);

internal sealed record SentinelRow(string Address, bool Reachable, string? Master, string? Error);

internal sealed record PostgresView(string? Primary, IReadOnlyList<PostgresReplicaRow> Replicas, string? Error);

internal sealed record PostgresReplicaRow(string? Name, string? Address, string? State, string? Sync, double? LagSeconds, long? LagBytes);

/// <summary>One label set's queue; <see cref="Servable"/> is false when no registered runner has every label.</summary>
internal sealed record QueueRow(
    IReadOnlyList<string> Labels,
    long Queued,
    long Dispatched,
    long InProgress,
    DateTimeOffset? OldestQueuedAt,
    double? OldestWaitSeconds,
    bool Servable);

internal sealed record RunnerRow(
    string Name,
    string Status,
    IReadOnlyList<string> Labels,
    int Slots,
    int SlotsInUse,
    IReadOnlyList<long> RunningJobs,
    DateTimeOffset? LastHeartbeatAt,
    string? Node,
    string? Version);

internal sealed record JobRow(
    long JobId,
    long RunId,
    string Repository,
    string? Workflow,
    string? Name,
    IReadOnlyList<string> Labels,
    string State,
    string? Conclusion,
    string? Runner,
    int Attempt,
    DateTimeOffset QueuedAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? DeadReason,
    string? HtmlUrl);

/// <summary>A job's page: the job, each step the <c>job_events</c> trigger recorded, its webhooks and what operators did to it.</summary>
internal sealed record JobDetail(JobRow Job, IReadOnlyList<JobEventRow> Events, IReadOnlyList<DeliveryRow> Deliveries, IReadOnlyList<AuditRow> Audit);

internal sealed record JobEventRow(DateTimeOffset At, string State, int Attempt, string? Runner, string? Detail);

internal sealed record DeliveryRow(DateTimeOffset At, string Event, string? Action, string Node, int StatusCode, string Outcome);

internal sealed record FailoverRow(DateTimeOffset At, string Component, string? From, string? To, int? DurationMs, string? Detail);

/// <summary>Per minute over the last hour, oldest first: webhooks' jobs received, jobs completed, and the queued-to-dispatched latency.</summary>
internal sealed record ChartSeries(
    IReadOnlyList<DateTimeOffset> Minutes,
    IReadOnlyList<long> Received,
    IReadOnlyList<long> Completed,
    IReadOnlyList<double?> DispatchP50Ms,
    IReadOnlyList<double?> DispatchP95Ms);

internal sealed record AuditRow(DateTimeOffset At, string Operator, string Action, string Target, string? Detail, string? Node);

/// <summary>What an operator action did: <see cref="Ok"/> false with the reason when it changed nothing.</summary>
internal sealed record ActionResult(bool Ok, string Message);
