using System.Collections.Concurrent;
using System.Globalization;
using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>
/// Scenario 4, backlog half: fills the queues with jobs for labels no runner has (spread over
/// many label sets, so there are many queues, as a real backlog would have), through the product's
/// own path (signed <c>queued</c> webhooks), measures dispatch at each size, then closes them all
/// with <c>completed</c> webhooks so no backlog outlives the run.
/// </summary>
internal sealed class BacklogScenario(SignedWebhooks webhooks, DispatchScenario dispatch, int concurrency)
{
    private const string Repository = "octo-org/bench-backlog";
    private const int LabelSets = 100;

    // Apart from the intake scenario's ids (7e18 + …), different on every run.
    private long _nextJobId = 8_000_000_000_000_000_000 + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000_000) * 1_000_000;

    public async Task<GrowthResult> RunAsync(
        IReadOnlyList<int> sizes, double rate, TimeSpan duration, TimeSpan settleTimeout, CancellationToken cancellationToken)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var waiting = new ConcurrentBag<(long Id, string[] Labels)>();
        var points = new List<GrowthPoint>();
        var cleared = 0;
        try
        {
            foreach (var size in sizes.Order())
            {
                await FillAsync(size - waiting.Count, tag, waiting, cancellationToken);
                Progress.Line(string.Create(CultureInfo.InvariantCulture, $"backlog: {waiting.Count} jobs waiting in {Math.Min(LabelSets, waiting.Count)} queues; dispatching {rate}/s for {duration.TotalSeconds} s"));
                var result = await dispatch.RunAsync(rate, duration, 0, ["self-hosted", "linux", "x64"], settleTimeout, cancellationToken);
                points.Add(new GrowthPoint(waiting.Count, null, result));
            }
        }
        finally
        {
            // Best effort even when the run was interrupted: a backlog left behind skews every later run.
            cleared = await ClearAsync([.. waiting], CancellationToken.None);
            Progress.Line($"backlog: closed {cleared}/{waiting.Count} backlog jobs with completed webhooks");
        }

        return new GrowthResult(points, waiting.Count, cleared);
    }

    private async Task FillAsync(int count, string tag, ConcurrentBag<(long, string[])> waiting, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var left = count;
        var failed = 0;
        var progress = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, concurrency),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                while (Interlocked.Decrement(ref left) >= 0)
                {
                    var id = Interlocked.Increment(ref _nextJobId);
                    string[] labels = ["self-hosted", string.Create(CultureInfo.InvariantCulture, $"bench-backlog-{tag}-{id % LabelSets}")];
                    if (await webhooks.SendAsync(webhooks.Body("queued", id, Repository, labels), ct) is >= 200 and < 300)
                    {
                        waiting.Add((id, labels));
                    }
                    else if (Interlocked.Increment(ref failed) > count / 100 + 10)
                    {
                        throw new InvalidOperationException($"more than 1% of the backlog's queued webhooks failed ({failed})");
                    }
                    else
                    {
                        Interlocked.Increment(ref left);
                    }

                    if (progress.Elapsed > TimeSpan.FromSeconds(5))
                    {
                        progress.Restart();
                        Progress.Line($"backlog: {waiting.Count} waiting");
                    }
                }
            });
    }

    private async Task<int> ClearAsync((long Id, string[] Labels)[] jobs, CancellationToken cancellationToken)
    {
        var closed = 0;
        await Parallel.ForEachAsync(
            jobs,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (job, ct) =>
            {
                if (await webhooks.SendAsync(webhooks.Body("completed", job.Id, Repository, job.Labels), ct) is >= 200 and < 300)
                {
                    Interlocked.Increment(ref closed);
                }
            });
        return closed;
    }
}
