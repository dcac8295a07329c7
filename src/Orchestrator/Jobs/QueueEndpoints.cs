using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// <c>GET /api/queues</c> (operator token): per label set with unfinished jobs, the counts
/// PostgreSQL holds, the length of its Redis queue and whether any registered runner could take
/// its jobs, so jobs stuck on labels no runner has show up without opening PostgreSQL.
/// </summary>
internal static class QueueEndpoints
{
    /// <summary>
    /// How long the Redis lengths may take. Past it (a failover, Redis down) they are answered as
    /// unknown: PostgreSQL is the system of record, Redis only an index.
    /// </summary>
    private static readonly TimeSpan RedisBudget = TimeSpan.FromSeconds(2);

    public static WebApplication MapQueueEndpoints(this WebApplication app)
    {
        app.MapGroup("/api/queues")
            .AddEndpointFilter<SchemaReadyFilter>()
            .RequireAuthorization(OperatorPolicy.Name)
            .MapGet("/", ListAsync);
        return app;
    }

    /// <summary>
    /// PostgreSQL first: when it is out, the call fails and the outage handler answers 503. Redis
    /// second, and its outage only blanks <see cref="QueueView.RedisLength"/>.
    /// </summary>
    internal static async Task<Ok<IReadOnlyList<QueueView>>> ListAsync(
        IJobStore jobs, IJobQueue queue, TimeProvider time, ILogger<QueueView> logger, CancellationToken cancellationToken)
    {
        var snapshot = await jobs.QueuesAsync(cancellationToken);
        var lengths = await TryLengthsAsync(queue, snapshot.Queues, time, logger, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<QueueView>>(
            [.. snapshot.Queues.Select((q, i) => QueueView.From(q, lengths?[i], snapshot.RunnerLabelSets))]);
    }

    private static async Task<IReadOnlyList<long>?> TryLengthsAsync(
        IJobQueue queue, IReadOnlyList<QueueCounts> queues, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (queues.Count == 0)
        {
            return [];
        }

        try
        {
            return await queue.LengthsAsync([.. queues.Select(q => q.Labels)]).WaitAsync(RedisBudget, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || RedisErrors.IsOutage(ex))
        {
            Log.QueueLengthsUnavailable(logger, ex.Message);
            return null;
        }
    }
}
