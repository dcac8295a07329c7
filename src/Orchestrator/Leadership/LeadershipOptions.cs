namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// The leader election: a Redis lease, renewed well before it runs out, and a fencing token in
/// PostgreSQL. Section <c>Leadership</c>. With the defaults a new leader is in place about 1.5 s
/// after the leader dies, and at once after it stops gracefully.
/// </summary>
public sealed class LeadershipOptions
{
    /// <summary>Configuration section: <c>Leadership</c>.</summary>
    public const string SectionName = "Leadership";

    /// <summary>Take part in the election. Default true; a node that does not never leads.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the lease lasts in Redis without a renewal (the key's PX). Default 1.5 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How often the leader renews. Default 300 ms.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// A leader that has not renewed for this long, counted on a monotonic clock from when it sent
    /// its last successful renewal, steps down: shorter than the lease, so it stops acting before
    /// another node can take over. Default 1.1 s.
    /// </summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromMilliseconds(1100);

    /// <summary>How often a follower tries to take the lease (it also tries at once when a leader releases it). Default 100 ms.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a node that stepped down on request waits before it competes again. Default 3 s.</summary>
    public TimeSpan StepDownBackoff { get; set; } = TimeSpan.FromSeconds(3);
}
