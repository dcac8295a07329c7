using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Runners;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Summary;

/// <summary><c>GET /summary</c>: what the simulator created, delivered and ran, for tests and drills to audit for loss.</summary>
internal static class SummaryEndpoints
{
    public static WebApplication MapSummary(this WebApplication app)
    {
        app.MapGet("/summary", Get);
        return app;
    }

    internal static Ok<SummaryView> Get(JobStore jobs, DeliveryLog deliveries, RunnerRegistry runners, TimeProvider time) =>
        TypedResults.Ok(Build(jobs, deliveries, runners, time));

    internal static SummaryView Build(JobStore jobs, DeliveryLog deliveries, RunnerRegistry runners, TimeProvider time)
    {
        var twice = runners.DispatchedTwiceAtOnce;
        var summary = new SummaryView
        {
            RegisteredRunners = runners.Count,
            DispatchedTwiceAtOnce = twice.Count,
            DispatchedTwiceAtOnceJobs = [.. twice.Take(20)],
            At = time.GetUtcNow(),
        };
        foreach (var job in jobs.All())
        {
            var state = deliveries.StateOf(job.QueuedDeliveryId);
            summary.Add(job, state);
            Counts(summary.PerLabelSet, job.LabelSetKey).Add(job, state);
            Counts(summary.PerRepository, job.Repository.FullName).Add(job, state);
        }

        foreach (var record in deliveries.All())
        {
            summary.Deliveries.Add(record);
        }

        return summary;
    }

    private static JobCounts Counts(SortedDictionary<string, JobCounts> map, string key)
    {
        if (!map.TryGetValue(key, out var counts))
        {
            map[key] = counts = new JobCounts();
        }

        return counts;
    }
}
