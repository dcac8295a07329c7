using System.Diagnostics.Metrics;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Monitoring;

/// <summary>
/// Cluster-wide gauges, published by the leader only (so a Prometheus scraping every node sees
/// each once): <c>runnerhub_ha_cluster_nodes_healthy</c>, <c>runnerhub_ha_redis_sentinel_masters</c>
/// (distinct masters the Sentinels name: 1 is agreement), <c>runnerhub_ha_redis_sentinels_reachable</c>,
/// <c>runnerhub_ha_redis_replicas</c>, <c>runnerhub_ha_database_replication_lag_seconds</c> and
/// <c>runnerhub_ha_database_replicas</c>.
/// </summary>
internal sealed class ClusterMetrics
{
    private ClusterSnapshot? _snapshot;

    public ClusterMetrics(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(LeadershipMetrics.MeterName);
        // Resolved lazily: the state depends on services that depend on this.
        ClusterSnapshot? Current() => services.GetRequiredService<ILeadershipState>().IsLeader ? Volatile.Read(ref _snapshot) : null;
        IEnumerable<Measurement<double>> Gauge(Func<ClusterSnapshot, double> value) =>
            Current() is { } s ? [new Measurement<double>(value(s))] : [];

        meter.CreateObservableGauge("runnerhub.ha.cluster_nodes_healthy", () => Gauge(s => s.HealthyNodes), description: "Orchestrators heard from within three heartbeats.");
        meter.CreateObservableGauge("runnerhub.ha.redis_sentinel_masters", () => Gauge(s => s.SentinelMasters), description: "Distinct Redis masters the Sentinels name (1 = they agree).");
        meter.CreateObservableGauge("runnerhub.ha.redis_sentinels_reachable", () => Gauge(s => s.SentinelsReachable), description: "Sentinels that answered.");
        meter.CreateObservableGauge("runnerhub.ha.redis_replicas", () => Gauge(s => s.RedisReplicas), description: "Redis replicas the Sentinels list.");
        meter.CreateObservableGauge("runnerhub.ha.database_replication_lag", () => Gauge(s => s.ReplicationLagSeconds), unit: "s", description: "Largest replay lag of a PostgreSQL standby.");
        meter.CreateObservableGauge("runnerhub.ha.database_replicas", () => Gauge(s => s.DatabaseReplicas), description: "PostgreSQL standbys streaming from the primary.");
    }

    public void Update(ClusterSnapshot snapshot) => Volatile.Write(ref _snapshot, snapshot);
}

/// <summary>One look at the cluster.</summary>
internal sealed record ClusterSnapshot(int HealthyNodes, int SentinelMasters, int SentinelsReachable, int RedisReplicas, double ReplicationLagSeconds, int DatabaseReplicas);
