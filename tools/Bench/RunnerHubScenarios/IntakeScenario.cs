using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>
/// Scenario 2: a closed loop of signed <c>queued</c> webhooks through HAProxy at rising
/// concurrency. Each step counts the 2xx answers, then checks that every accepted job is a row in
/// PostgreSQL (the product's promise: durable before the 2xx). The jobs ask for a label no runner
/// has, so they only measure intake; afterwards they are closed with <c>completed</c> webhooks
/// (through the product's own path) so they do not stay behind as a backlog.
/// </summary>
internal sealed class IntakeScenario(SignedWebhooks webhooks, string postgres, IReadOnlyList<int> concurrencies, TimeSpan stepDuration, bool cleanup)
{
    private const string Repository = "octo-org/bench-intake";

    // Far above the simulator's ids (about 1.8e15), different on every run.
    private long _nextJobId = 7_000_000_000_000_000_000 + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000_000) * 1_000_000;

    public async Task<IntakeResult> RunAsync(string url, CancellationToken cancellationToken)
    {
        string[] labels = ["self-hosted", "bench-intake-" + Guid.NewGuid().ToString("N")[..8]];
        var steps = new List<IntakeStep>();
        var accepted = new ConcurrentBag<long>();
        foreach (var concurrency in concurrencies)
        {
            var step = await StepAsync(concurrency, labels, accepted, cancellationToken);
            steps.Add(step);
            Progress.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"intake x{concurrency}: {step.Accepted} accepted, {step.Failed} failed, {step.Durable} in PostgreSQL, {step.PerSecond:F0}/s, answer p99 {step.Answer.P99Ms} ms"));
            var best = steps.Where(s => s.Clean).MaxBy(s => s.PerSecond);

            // Stop rising once answers fail, or two steps in a row brought nothing over the best.
            if (step.Failed * 100 > step.Sent || (steps.Count >= 3 && best is not null && steps.TakeLast(2).All(s => !ReferenceEquals(s, best))))
            {
                break;
            }
        }

        var cleaned = cleanup ? await CloseAsync([.. accepted], labels, cancellationToken) : 0;
        return new IntakeResult(url, string.Join(',', labels), steps, steps.Where(s => s.Clean).MaxBy(s => s.PerSecond), cleaned);
    }

    private async Task<IntakeStep> StepAsync(int concurrency, string[] labels, ConcurrentBag<long> allAccepted, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentQueue<double>();
        var accepted = new ConcurrentBag<long>();
        var failed = 0;
        var sent = 0;
        var began = Stopwatch.GetTimestamp();
        var until = began + (long)(stepDuration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(
            async () =>
            {
                while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
                {
                    var id = Interlocked.Increment(ref _nextJobId);
                    var body = webhooks.Body("queued", id, Repository, labels);
                    var at = Stopwatch.GetTimestamp();
                    var status = await webhooks.SendAsync(body, cancellationToken);
                    latencies.Enqueue(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    Interlocked.Increment(ref sent);
                    if (status is >= 200 and < 300)
                    {
                        accepted.Add(id);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            },
            CancellationToken.None));
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        foreach (var id in accepted)
        {
            allAccepted.Add(id);
        }

        var durable = await CountInPostgresAsync([.. accepted], cancellationToken);
        return new IntakeStep(concurrency, Math.Round(seconds, 3), sent, accepted.Count, failed, durable, Math.Round(accepted.Count / seconds, 1), LatencySummary.Of(latencies));
    }

    private async Task<int> CountInPostgresAsync(long[] ids, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM jobs WHERE job_id = ANY(@ids)", connection);
        count.Parameters.AddWithValue("ids", ids);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<int> CloseAsync(long[] ids, string[] labels, CancellationToken cancellationToken)
    {
        var closed = 0;
        await Parallel.ForEachAsync(
            ids,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                if (await webhooks.SendAsync(webhooks.Body("completed", id, Repository, labels), ct) is >= 200 and < 300)
                {
                    Interlocked.Increment(ref closed);
                }
            });
        Progress.Line($"intake: closed {closed}/{ids.Length} bench jobs with completed webhooks");
        return closed;
    }
}
