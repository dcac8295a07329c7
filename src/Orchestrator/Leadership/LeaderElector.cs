using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// Takes part in the election. A follower tries SET NX every <see cref="LeadershipOptions.RetryInterval"/>
/// (and at once when a leader announces it released the lease); on success PostgreSQL raises the
/// fencing token, and only then is this node leader. A leader renews every
/// <see cref="LeadershipOptions.RenewInterval"/> and steps down when a renewal says the lease is
/// no longer its own, or when <see cref="LeadershipOptions.RenewDeadline"/> passes without a
/// successful renewal (monotonic clock). Draining (SIGTERM) ends the term and releases the lease
/// at once, so a follower takes over without waiting for it to expire.
/// </summary>
internal sealed partial class LeaderElector(
    IRedisConnection redis,
    LeaderFence fence,
    LeadershipState state,
    LeadershipMetrics metrics,
    Monitoring.FailoverTimeline timeline,
    SchemaState schema,
    DrainState drain,
    IOptions<LeadershipOptions> options,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<LeaderElector> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private LeaderLease? _lease;
    private long _competeAfter;
    private long? _lastSeenHeldAt;
    private volatile bool _stepDownRequested;
    private bool _outageLogged;

    private LeadershipOptions Options => options.Value;

    private LeaderLease Lease => _lease ??= new LeaderLease(redis, node.Value.Id);

    /// <summary>
    /// Asks this node to stop leading: it ends its term, releases the lease and stays out of the
    /// election for <see cref="LeadershipOptions.StepDownBackoff"/>. True when it was leading.
    /// </summary>
    public async Task<bool> StepDownAsync(CancellationToken cancellationToken)
    {
        if (state.Term is not { } term)
        {
            return false;
        }

        _stepDownRequested = true;
        Wake();
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = term.Lost.Register(() => ended.TrySetResult());
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(5), time, cancellationToken);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
        {
            LogDisabled(logger, node.Value.Id);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, drain.Draining);
        try
        {
            await schema.WaitAsync(stop.Token);
            await redis.WaitAsync(stop.Token);
            await SubscribeAsync(stop.Token);
            LogJoined(logger, node.Value.Id, Options.LeaseDuration.TotalMilliseconds, Options.RenewDeadline.TotalMilliseconds);
            while (!stop.IsCancellationRequested)
            {
                LeaseClock? clock = null;
                try
                {
                    clock = await TryAcquireAsync(stop.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never let the election die with the host: log, and try again.
                    LogAttemptFailed(logger, ex, node.Value.Id);
                }

                if (clock is not null)
                {
                    await LeadAsync(clock, stop.Token);
                }
                else
                {
                    await WaitAsync(Options.RetryInterval, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping or draining: a follower has nothing to give back.
        }
    }

    /// <summary>Subscribes to lease releases; a connection lost meanwhile is retried, never fatal to the host.</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await redis.GetDatabase().Multiplexer.GetSubscriber().SubscribeAsync(Lease.ReleasedChannel, (_, _) => Wake());
                return;
            }
            catch (Exception ex) when (RedisErrors.IsOutage(ex))
            {
                LogAttemptFailed(logger, ex, node.Value.Id);
                await WaitAsync(Options.RetryInterval, cancellationToken);
            }
        }
    }

    /// <summary>One attempt to take the lease; the term's clock when this node now leads.</summary>
    private async Task<LeaseClock?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (time.GetTimestamp() < Volatile.Read(ref _competeAfter))
        {
            return null;
        }

        var sentAt = time.GetTimestamp();
        try
        {
            if (!await Lease.TryAcquireAsync(Options.LeaseDuration).WaitAsync(Options.LeaseDuration, time, cancellationToken))
            {
                var holder = await Lease.HolderAsync().WaitAsync(Options.LeaseDuration, time, cancellationToken);
                state.Observed(holder);
                if (holder is not null)
                {
                    _lastSeenHeldAt = time.GetTimestamp();
                }

                Recovered();
                return null;
            }
        }
        catch (Exception ex) when (ex is TimeoutException || RedisErrors.IsOutage(ex))
        {
            state.Observed(null);
            Outage("take the lease", ex);
            return null;
        }

        Recovered();
        var clock = new LeaseClock(time, Options, sentAt);
        TimeSpan? gap = _lastSeenHeldAt is { } seen ? time.GetElapsedTime(seen) : null;
        long token;
        try
        {
            token = await fence.TakeOverAsync(node.Value.Id, Guid.NewGuid(), gap, cancellationToken).AsTask()
                .WaitAsync(Max(clock.UntilDeadline(), TimeSpan.FromMilliseconds(1)), time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || PostgresErrors.IsOutage(ex))
        {
            LogTokenFailed(logger, node.Value.Id, ex.Message);
            await ReleaseAsync();
            return null;
        }

        if (clock.MustStepDown())
        {
            // PostgreSQL took so long that the lease may be gone: never act on it.
            LogTakeoverTooSlow(logger, node.Value.Id, token);
            await ReleaseAsync();
            return null;
        }

        _stepDownRequested = false;
        _lastSeenHeldAt = null;
        state.Acquired(token, clock);
        metrics.Acquired();
        timeline.LeaderChanged();
        LogAcquired(logger, node.Value.Id, token, gap?.TotalMilliseconds);
        return clock;
    }

    /// <summary>Renews until the term ends, then ends it and gives the lease back when it may still be ours.</summary>
    private async Task LeadAsync(LeaseClock clock, CancellationToken stoppingToken)
    {
        var token = state.FencingToken;
        var reason = "the node is stopping";
        var release = true;
        var failedLast = false;
        try
        {
            while (true)
            {
                var wait = failedLast ? Min(Options.RetryInterval, clock.UntilDeadline()) : clock.UntilNextRenewal();
                await WaitAsync(wait, stoppingToken);
                if (_stepDownRequested)
                {
                    reason = "stepped down on request";
                    Volatile.Write(ref _competeAfter, time.GetTimestamp() + (long)(Options.StepDownBackoff.TotalSeconds * time.TimestampFrequency));
                    break;
                }

                if (clock.MustStepDown())
                {
                    reason = $"no renewal within the {Options.RenewDeadline.TotalMilliseconds:0} ms deadline";
                    break;
                }

                var sentAt = time.GetTimestamp();
                try
                {
                    if (!await Lease.TryRenewAsync(Options.LeaseDuration).WaitAsync(Max(clock.UntilDeadline(), TimeSpan.FromMilliseconds(1)), time, stoppingToken))
                    {
                        reason = "the lease is no longer this node's";
                        release = false;
                        break;
                    }

                    clock.Renewed(sentAt);
                    failedLast = false;
                    Recovered();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Whatever the reason, an unanswered renewal counts against the deadline.
                    failedLast = true;
                    Outage("renew the lease", ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Draining or stopping: end the term and release below.
        }
        finally
        {
            try
            {
                // The term's token fires first, so leader work stops before the lease is given up.
                state.Lost(reason);
            }
            finally
            {
                metrics.Lost();
                LogLost(logger, node.Value.Id, token ?? 0, reason);
                if (release)
                {
                    await ReleaseAsync();
                }
            }
        }
    }

    /// <summary>Compare-and-delete, bounded: a lease that cannot be released simply expires.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            if (await Lease.ReleaseAsync().WaitAsync(TimeSpan.FromSeconds(1), time))
            {
                LogReleased(logger, node.Value.Id);
            }
        }
        catch (Exception ex) when (ex is TimeoutException || RedisErrors.IsOutage(ex))
        {
            LogReleaseFailed(logger, node.Value.Id, ex.Message);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            await _wake.WaitAsync(delay, cancellationToken);
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    private void Outage(string what, Exception ex)
    {
        if (!_outageLogged)
        {
            _outageLogged = true;
            LogOutage(logger, node.Value.Id, what, ex.Message);
        }
    }

    private void Recovered()
    {
        if (_outageLogged)
        {
            _outageLogged = false;
            LogRecovered(logger, node.Value.Id);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "{NodeId} acquired leadership, token {Token} (lease seen free after {GapMs} ms)")]
    private static partial void LogAcquired(ILogger logger, string nodeId, long token, double? gapMs);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "{NodeId} lost leadership (token {Token}): {Reason}")]
    private static partial void LogLost(ILogger logger, string nodeId, long token, string reason);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "{NodeId} released the leader lease")]
    private static partial void LogReleased(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "{NodeId} could not release the leader lease ({Reason}); it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, string nodeId, string reason);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "{NodeId} took the leader lease but PostgreSQL could not raise the fencing token ({Reason}); gave the lease back")]
    private static partial void LogTokenFailed(ILogger logger, string nodeId, string reason);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Warning, Message = "{NodeId} got token {Token} after its renew deadline had passed; gave the lease back without acting")]
    private static partial void LogTakeoverTooSlow(ILogger logger, string nodeId, long token);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Warning, Message = "{NodeId} cannot {What} in Redis: {Reason}")]
    private static partial void LogOutage(ILogger logger, string nodeId, string what, string reason);

    [LoggerMessage(EventId = 2207, Level = LogLevel.Information, Message = "{NodeId} reaches Redis again for the election")]
    private static partial void LogRecovered(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2208, Level = LogLevel.Information, Message = "{NodeId} joined the leader election as a follower (lease {LeaseMs} ms, renew deadline {DeadlineMs} ms)")]
    private static partial void LogJoined(ILogger logger, string nodeId, double leaseMs, double deadlineMs);

    [LoggerMessage(EventId = 2210, Level = LogLevel.Error, Message = "{NodeId}: an attempt to take the leader lease failed unexpectedly; trying again")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(EventId = 2209, Level = LogLevel.Information, Message = "{NodeId} takes no part in the leader election (Leadership:Enabled is false)")]
    private static partial void LogDisabled(ILogger logger, string nodeId);
}
