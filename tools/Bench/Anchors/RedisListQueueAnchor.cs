using System.Diagnostics;
using System.Globalization;
using RunnerHub.Bench.Measurement;
using StackExchange.Redis;

namespace RunnerHub.Bench.Anchors;

/// <summary>
/// The floor for anything built on Redis: a bare list queue with StackExchange.Redis. Producers
/// <c>LPUSH</c> and <c>PUBLISH</c> a nudge; each consumer <c>LMOVE</c>s an item to a processing list
/// (non-blocking: StackExchange.Redis has no blocking pops), waits for a nudge when the list is
/// empty (with a short poll as a safety net for a lost nudge), and <c>LREM</c>s it on ack. The same
/// shape RunnerHub's dispatch uses, without the durability, leases and GitHub call around it.
/// </summary>
internal sealed class RedisListQueueAnchor(IConnectionMultiplexer redis, AnchorSettings settings)
{
    private static readonly TimeSpan SafetyPoll = TimeSpan.FromMilliseconds(100);

    private readonly string _prefix = "bench:redis-list:" + Guid.NewGuid().ToString("N")[..8];
    private readonly AsyncSignal _nudge = new();
    private LatencyRecorder _recorder = new();

    private RedisKey Queue => _prefix + ":queue";

    private RedisKey Processing => _prefix + ":processing";

    private RedisChannel Channel => RedisChannel.Literal(_prefix + ":nudge");

    public async Task<AnchorResult> RunAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(Channel, (_, _) => _nudge.Set());
        try
        {
            var latency = new List<RateResult>();
            foreach (var rate in settings.Rates)
            {
                latency.Add(await LatencyAtAsync(db, rate, cancellationToken));
            }

            var throughput = await DrainAsync(db, cancellationToken);
            return new AnchorResult(
                "redis-list",
                "bare StackExchange.Redis list queue: LPUSH + PUBLISH, LMOVE to a processing list, LREM on ack",
                settings.Consumers,
                latency,
                throughput);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(Channel);
            await db.KeyDeleteAsync([Queue, Processing]);
        }
    }

    private async Task<RateResult> LatencyAtAsync(IDatabase db, double rate, CancellationToken cancellationToken)
    {
        var count = (int)Math.Max(1, rate * settings.StepDuration.TotalSeconds);
        _recorder = new LatencyRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumers = StartConsumers(db, stop.Token);
        var pushes = new List<Task>(count);
        var seconds = await OpenLoop.RunAsync(rate, count, i => pushes.Add(PushAsync(db, i, Stopwatch.GetTimestamp())), cancellationToken);
        await Task.WhenAll(pushes);
        var complete = await _recorder.WaitForAsync(count, settings.SettleTimeout, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(consumers);
        var summary = _recorder.Summary();
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"redis-list {rate}/s: {summary.Count}/{count} received{(complete ? "" : " (timed out)")}, p50 {summary.P50Ms} ms, p99 {summary.P99Ms} ms"));
        return new RateResult(rate, Math.Round(seconds, 3), count, summary.Count, Math.Round(count / seconds, 1), summary);
    }

    private async Task<ThroughputResult> DrainAsync(IDatabase db, CancellationToken cancellationToken)
    {
        var jobs = settings.DrainJobs;
        const int Batch = 1000;
        for (var i = 0; i < jobs; i += Batch)
        {
            var values = Enumerable.Range(i, Math.Min(Batch, jobs - i)).Select(n => (RedisValue)Item(n, 0)).ToArray();
            await db.ListLeftPushAsync(Queue, values);
        }

        _recorder = new LatencyRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var began = Stopwatch.GetTimestamp();
        var consumers = StartConsumers(db, stop.Token);
        await _recorder.WaitForAsync(jobs, settings.SettleTimeout, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(consumers);
        var processed = _recorder.Count;
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"redis-list drain: {processed}/{jobs} in {seconds:F2} s = {processed / seconds:F0}/s"));
        return new ThroughputResult(jobs, processed, Math.Round(seconds, 3), Math.Round(processed / seconds, 1));
    }

    private async Task PushAsync(IDatabase db, int sequence, long timestamp)
    {
        await db.ListLeftPushAsync(Queue, Item(sequence, timestamp));
        await db.PublishAsync(Channel, RedisValue.EmptyString);
    }

    private static string Item(int sequence, long timestamp) => string.Create(CultureInfo.InvariantCulture, $"{sequence}:{timestamp}");

    private Task[] StartConsumers(IDatabase db, CancellationToken stop) =>
        [.. Enumerable.Range(0, settings.Consumers).Select(_ => Task.Run(() => ConsumeAsync(db, stop), CancellationToken.None))];

    private async Task ConsumeAsync(IDatabase db, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // Take the signal before looking, so an item pushed between the look and the wait still wakes us.
            var nudged = _nudge.Next;
            var item = await db.ListMoveAsync(Queue, Processing, ListSide.Right, ListSide.Left);
            if (item.IsNull)
            {
                try
                {
                    await nudged.WaitAsync(SafetyPoll, stop);
                }
                catch (TimeoutException)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            // Latency is taken on receipt; the item counts once it is acknowledged (removed), so a
            // drain is timed to the last ack.
            var text = (string)item!;
            var timestamp = long.Parse(text.AsSpan(text.IndexOf(':', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
            var latencyMs = timestamp == 0 ? 0 : Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds;
            await db.ListRemoveAsync(Processing, item, 1);
            _recorder.RecordMs(latencyMs);
        }
    }
}
