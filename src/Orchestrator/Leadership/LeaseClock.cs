namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// The timing rules of one leadership term, on a monotonic clock (<see cref="TimeProvider.GetTimestamp"/>,
/// never the wall clock, which may jump). Every instant is when a request was SENT: Redis starts
/// the lease's PX no earlier than that, so the leader's view of its deadline is never later than
/// the lease's real end.
/// </summary>
internal sealed class LeaseClock(TimeProvider time, LeadershipOptions options, long acquiredSentAt)
{
    private long _renewedSentAt = acquiredSentAt;

    /// <summary>When the last successful renewal (or the acquisition) was sent.</summary>
    public long RenewedSentAt => Volatile.Read(ref _renewedSentAt);

    /// <summary>Records a successful renewal sent at <paramref name="sentAt"/>; an older success never moves the clock back.</summary>
    public void Renewed(long sentAt)
    {
        if (sentAt > Volatile.Read(ref _renewedSentAt))
        {
            Volatile.Write(ref _renewedSentAt, sentAt);
        }
    }

    /// <summary>Time left before the renew deadline; zero or less means step down now.</summary>
    public TimeSpan UntilDeadline() => options.RenewDeadline - time.GetElapsedTime(RenewedSentAt);

    /// <summary>True once the renew deadline has passed without a successful renewal.</summary>
    public bool MustStepDown() => UntilDeadline() <= TimeSpan.Zero;

    /// <summary>How long to wait before the next renewal: the interval since the last success, never past the deadline.</summary>
    public TimeSpan UntilNextRenewal()
    {
        var untilRenew = options.RenewInterval - time.GetElapsedTime(RenewedSentAt);
        var wait = untilRenew < UntilDeadline() ? untilRenew : UntilDeadline();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>The latest the lease can still be in Redis, in wall-clock time, for display.</summary>
    public DateTimeOffset LeaseExpiresAt() => time.GetUtcNow() + options.LeaseDuration - time.GetElapsedTime(RenewedSentAt);
}
