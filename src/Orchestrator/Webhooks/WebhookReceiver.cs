using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/github</c>: size, then signature, then headers, then the event. A
/// <c>workflow_job</c> is durable in PostgreSQL before the 2xx; only then is its queue pointer
/// pushed to Redis, and a failed push does not fail the delivery.
/// </summary>
internal sealed class WebhookReceiver(
    IJobStore jobs,
    IJobQueue queue,
    IDispatchStore dispatches,
    JobMetrics metrics,
    IOptions<WebhookOptions> options,
    IOptions<NodeOptions> node,
    ILogger<WebhookReceiver> logger)
{
    private readonly WebhookSignature _signature = new(options.Value.Secret);
    private readonly RepositoryAllowList _allowList = RepositoryAllowList.Parse(options.Value.AllowedRepositories);

    public async Task<Results<Ok<WebhookAnswer>, Accepted<WebhookAnswer>, ProblemHttpResult>> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var delivery = request.Headers["X-GitHub-Delivery"].ToString();
        var gitHubEvent = request.Headers["X-GitHub-Event"].ToString();
        var max = options.Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            return Reject(delivery, StatusCodes.Status413PayloadTooLarge, $"body of {request.ContentLength} bytes is over the {max}-byte limit");
        }

        using var body = await ReadBodyAsync(request, max, cancellationToken);
        if (body is null)
        {
            return Reject(delivery, StatusCodes.Status413PayloadTooLarge, $"body is over the {max}-byte limit");
        }

        if (!_signature.IsValid(request.Headers["X-Hub-Signature-256"].ToString(), body.Span))
        {
            Log.BadSignature(logger, delivery);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Bad signature", detail: "X-Hub-Signature-256 is missing or does not match the body and the configured secret.");
        }

        if (delivery.Length is 0 or > 200 || gitHubEvent.Length == 0)
        {
            return Reject(delivery, StatusCodes.Status400BadRequest, "the X-GitHub-Delivery and X-GitHub-Event headers are required");
        }

        switch (gitHubEvent)
        {
            case "ping":
                return TypedResults.Ok(new WebhookAnswer(delivery, gitHubEvent, null, null, null, "pong", false));
            case "workflow_job":
                return await ReceiveWorkflowJobAsync(delivery, WorkflowJobParser.Parse(delivery, body.Span), cancellationToken);
            default:
                Log.Ignored(logger, delivery, gitHubEvent, "not a workflow_job event");
                return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery, gitHubEvent, null, null, null, "ignored", false));
        }
    }

    private async Task<Results<Ok<WebhookAnswer>, Accepted<WebhookAnswer>, ProblemHttpResult>> ReceiveWorkflowJobAsync(string delivery, WorkflowJobParser.Result parsed, CancellationToken cancellationToken)
    {
        if (parsed.Errors.Count > 0)
        {
            return Reject(delivery, StatusCodes.Status400BadRequest, string.Join("; ", parsed.Errors));
        }

        if (parsed.Event is not { } jobEvent)
        {
            Log.Ignored(logger, delivery, "workflow_job", $"action '{parsed.IgnoredAction}' is not handled");
            return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery, "workflow_job", parsed.IgnoredAction, null, null, "ignored", false));
        }

        if (!_allowList.Allows(jobEvent.Owner, jobEvent.Repository))
        {
            Log.Ignored(logger, delivery, "workflow_job", $"{jobEvent.Repository} is not in Webhooks:AllowedRepositories");
            return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery, "workflow_job", jobEvent.Action, jobEvent.JobId, null, "ignored", false));
        }

        var timeout = options.Value.RequestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        DeliveryOutcome outcome;
        try
        {
            outcome = await jobs.ApplyAsync(jobEvent, node.Value.Id, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.TimedOut(logger, delivery, timeout.TotalSeconds);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "PostgreSQL is unavailable",
                detail: $"The job could not be stored within {timeout.TotalSeconds:0.#} s. Redeliver it: deliveries are idempotent.");
        }

        var state = Jobs.JobStates.ToColumn(outcome.State);
        metrics.Applied(jobEvent, outcome);
        if (outcome.Duplicate)
        {
            Log.Duplicate(logger, delivery, outcome.Outcome);
        }
        else
        {
            Log.Applied(logger, jobEvent.JobId, jobEvent.Repository, jobEvent.Labels.ToString(), jobEvent.Action, state, outcome.Outcome, delivery);
            if (outcome.State == JobState.Queued)
            {
                await TryEnqueueAsync(jobEvent.Labels, jobEvent.JobId);
            }
            else if (jobEvent.State == JobState.InProgress && jobEvent.RunnerName is { } runnerName
                && JitRunnerNames.IsLaunchedForAnotherJob(runnerName, jobEvent.JobId)
                && await dispatches.RequeueJobOfRunnerAsync(runnerName, jobEvent.JobId, cancellationToken) is { } rebound)
            {
                // GitHub gave our JIT runner a different job: the job it was launched for needs another.
                Log.Rebound(logger, runnerName, jobEvent.JobId, rebound.JobId);
                await TryEnqueueAsync(RunnerHub.Contracts.LabelSet.Parse(rebound.LabelKey), rebound.JobId);
            }
        }

        return TypedResults.Ok(new WebhookAnswer(delivery, "workflow_job", jobEvent.Action, jobEvent.JobId, state, outcome.Outcome, outcome.Duplicate));
    }

    private async Task TryEnqueueAsync(RunnerHub.Contracts.LabelSet labels, long jobId)
    {
        // Abandoned, not cancelled, at the timeout: a push that lands later is still right
        // (pushes are idempotent), and one that never does is repaired by the reconciler.
        var push = queue.EnqueueAsync(labels, jobId);
        _ = push.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            await push.WaitAsync(options.Value.EnqueueTimeout);
        }
        catch (TimeoutException)
        {
            Log.EnqueueFailed(logger, jobId, $"Redis did not answer within {options.Value.EnqueueTimeout.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (RedisErrors.IsOutage(ex))
        {
            Log.EnqueueFailed(logger, jobId, ex.Message);
        }
    }

    private ProblemHttpResult Reject(string delivery, int statusCode, string reason)
    {
        Log.Rejected(logger, delivery, statusCode, reason);
        return TypedResults.Problem(statusCode: statusCode, title: "Delivery rejected", detail: reason);
    }

    /// <summary>Reads the whole body, or returns null as soon as it passes <paramref name="max"/> bytes.</summary>
    private static async Task<PooledBody?> ReadBodyAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        // Our limit, not Kestrel's default 30 MB, decides; one byte more tells "too large" apart.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 1;
        }

        var body = new PooledBody((int)Math.Min(request.ContentLength ?? 16 * 1024, max) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(body.FreeSpace(), cancellationToken);
                if (read == 0)
                {
                    return body;
                }

                body.Advance(read);
                if (body.Length > max)
                {
                    body.Dispose();
                    return null;
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>A growable buffer rented from the shared pool: webhook bodies are 10-15 KB, read on every delivery.</summary>
    private sealed class PooledBody(int initialSize) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialSize);

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

        public Memory<byte> FreeSpace()
        {
            if (Length == _buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, Length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            return _buffer.AsMemory(Length);
        }

        public void Advance(int count) => Length += count;

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
