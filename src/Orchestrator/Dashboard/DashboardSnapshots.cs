using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Dashboard;

/// <summary>
/// Builds the dashboard's <see cref="DashboardSnapshot"/>: each part read concurrently under a
/// budget, so a dependency outage blanks its parts (and names them in the errors) instead of
/// holding the page. The last hour's charts are read at most every 15 s.
/// </summary>
internal sealed partial class DashboardSnapshots(
    DashboardStore store,
    IRunnerStore runners,
    IJobStore jobs,
    RedisTopologyProbe redisProbe,
    DatabaseTopologyProbe databaseProbe,
    ILeadershipState leadership,
    IOptions<RunnersOptions> runnerOptions,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<DashboardSnapshots> logger) : IDisposable
{
    /// <summary>How long one part may take.</summary>
    public static readonly TimeSpan PartBudget = TimeSpan.FromSeconds(3);

    /// <summary>Recent jobs shown live.</summary>
    public const int RecentJobs = 50;

    private static readonly TimeSpan ChartsEvery = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _building = new(1, 1);
    private (ChartSeries Series, DateTimeOffset At)? _charts;
    private DashboardSnapshot? _last;

    /// <summary>
    /// The snapshot of this moment; a caller that arrives while another builds one shares it
    /// (one build at a time per node, whatever the number of browsers).
    /// </summary>
    public async Task<DashboardSnapshot> CurrentAsync(TimeSpan maxAge, CancellationToken ct)
    {
        if (_last is { } fresh && time.GetUtcNow() - fresh.GeneratedAt <= maxAge)
        {
            return fresh;
        }

        await _building.WaitAsync(ct);
        try
        {
            if (_last is { } built && time.GetUtcNow() - built.GeneratedAt <= maxAge)
            {
                return built;
            }

            _last = await BuildAsync(ct);
            return _last;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private async Task<DashboardSnapshot> BuildAsync(CancellationToken ct)
    {
        var errors = new ConcurrentQueue<string>();
        var now = time.GetUtcNow();
        var leaderId = leadership.LeaderId;

        var nodes = PartAsync("nodes", c => store.NodesAsync(leaderId, c));
        var term = PartAsync("leader", async c => new[] { await store.LeaderTermAsync(c) });
        var redis = PartAsync("redis", redisProbe.ProbeAsync);
        var postgres = PartAsync("postgres", databaseProbe.ProbeAsync);
        var queues = PartAsync("queues", jobs.QueuesAsync);
        var runnerList = PartAsync("runners", runners.ListAsync);
        var recent = PartAsync("jobs", c => store.RecentJobsAsync(RecentJobs, c));
        var failovers = PartAsync("failovers", c => store.FailoversAsync(50, c));
        var audit = PartAsync("audit", c => store.AuditAsync(null, 50, c));
        var charts = _charts is { } cached && now - cached.At < ChartsEvery
            ? Task.FromResult<ChartSeries?>(cached.Series)
            : PartAsync("charts", store.ChartsAsync);
        await Task.WhenAll(nodes, term, redis, postgres, queues, runnerList, recent, failovers, audit, charts);

        if (charts.Result is { } series && _charts?.Series != series)
        {
            _charts = (series, now);
        }

        var leaderTerm = term.Result?[0];
        var leader = leaderId is null
            ? null
            : new LeaderView(leaderId, leaderTerm?.NodeId == leaderId ? leaderTerm.Token : null, leaderTerm?.NodeId == leaderId ? leaderTerm.AcquiredAt : null);

        return new DashboardSnapshot(
            now,
            node.Value.Id,
            null,
            new ClusterView(leader, nodes.Result, ToRedisView(redis.Result), ToPostgresView(postgres.Result)),
            queues.Result is { } snapshot ? [.. snapshot.Queues.Select(q => ToQueueRow(q, snapshot.RunnerLabelSets, now))] : null,
            runnerList.Result is { } list ? [.. list.Select(r => ToRunnerRow(r, now))] : null,
            recent.Result,
            failovers.Result,
            charts.Result,
            audit.Result,
            [.. errors]);

        async Task<T?> PartAsync<T>(string name, Func<CancellationToken, Task<T>> read)
            where T : class
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
            budget.CancelAfter(PartBudget);
            try
            {
                return await read(budget.Token).WaitAsync(PartBudget, time, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Any failure of one part (an outage, a timeout, a failover mid-read) blanks that
                // part only; the page says which and keeps the rest live.
                var reason = ex is OperationCanceledException or TimeoutException ? $"no answer within {PartBudget.TotalSeconds:0} s" : ex.Message;
                errors.Enqueue($"{name}: {reason}");
                LogPartFailed(logger, name, reason);
                return null;
            }
        }
    }

    private static RedisView ToRedisView(RedisTopology? topology) =>
        topology is null
            ? new RedisView(null, false, [], [], "the Sentinels did not answer")
            : new RedisView(
                topology.Master,
                topology.SentinelsAgree,
                [.. topology.Replicas.Select(r => new RedisReplicaRow(r.Address, r.Flags, r.MasterLinkStatus))],
                [.. topology.Sentinels.Select(s => new SentinelRow(s.Address, s.Reachable, s.Master, s.Error))],
                topology.Connected ? null : "this node is not connected to the Redis master");

    private static PostgresView ToPostgresView(DatabaseTopology? topology) =>
        topology is null
            ? new PostgresView(null, [], "PostgreSQL did not answer")
            : new PostgresView(
                topology.Primary is { InRecovery: false } primary ? primary.Address : null,
                [.. topology.Replicas.Select(r => new PostgresReplicaRow(r.ApplicationName, r.Address, r.State, r.SyncState, r.ReplayLagSeconds, r.LagBytes))],
                topology.PrimaryError);

    private static QueueRow ToQueueRow(QueueCounts counts, IReadOnlyList<RunnerHub.Contracts.LabelSet> runnerLabelSets, DateTimeOffset now)
    {
        var view = QueueView.From(counts, null, runnerLabelSets);
        return new QueueRow(
            view.Labels,
            view.Queued,
            view.Dispatched,
            view.InProgress,
            view.OldestQueuedAt,
            view.OldestQueuedAt is { } oldest ? Math.Max(0, Math.Round((now - oldest).TotalSeconds, 1)) : null,
            view.Servable);
    }

    private RunnerRow ToRunnerRow(RunnerRecord record, DateTimeOffset now)
    {
        var view = RunnerView.From(record, now, runnerOptions.Value.OfflineAfter);
        var connected = view.Status is "online" or "draining";
        return new RunnerRow(
            view.Name,
            view.Status,
            view.Labels,
            view.Slots,
            connected ? view.Slots - view.FreeSlots : view.RunningJobs.Count,
            view.RunningJobs,
            view.LastHeartbeatAt,
            view.Node,
            view.Version);
    }

    [LoggerMessage(EventId = 2360, Level = LogLevel.Debug, Message = "Dashboard part {Part} not read: {Reason}")]
    private static partial void LogPartFailed(ILogger logger, string part, string reason);
}
