using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator.Payloads;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// The simulator's own job controls: <c>POST /jobs</c> (a batch), <c>GET /jobs/{id}</c>,
/// <c>GET /batches/{id}</c>, <c>POST /jobs/{id}/approve</c> (waiting → queued) and
/// <c>POST /jobs/{id}/cancel</c> (queued or waiting → completed, cancelled).
/// </summary>
internal static class JobEndpoints
{
    private const int MaxListedIds = 1000;

    public static WebApplication MapJobs(this WebApplication app)
    {
        app.MapPost("/jobs", CreateBatch);
        app.MapGet("/jobs/{id:long}", GetJob);
        app.MapPost("/jobs/{id:long}/approve", Approve);
        app.MapPost("/jobs/{id:long}/cancel", Cancel);
        app.MapGet("/batches/{id:long}", (long id, BatchRunner batches, TimeProvider time) =>
            batches.Get(id) is { } batch ? Results.Ok(batch.View(time)) : Results.NotFound());
        return app;
    }

    internal static Results<Accepted<BatchAccepted>, ValidationProblem, Conflict<ProblemDetails>> CreateBatch(
        [FromBody] BatchRequest? request, BatchRunner batches, JobStore jobs, IOptions<SimulatorOptions> options)
    {
        request ??= new BatchRequest();
        var errors = request.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The batch is invalid; no job was created.");
        }

        if (jobs.Count + request.Count > options.Value.MaxJobs)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Title = "The simulator's job store is full.",
                Detail = $"{jobs.Count} jobs held, {request.Count} asked, Simulator:MaxJobs is {options.Value.MaxJobs}. DELETE /_simulator/state to start over.",
                Status = StatusCodes.Status409Conflict,
            });
        }

        var batch = batches.Start(request);
        var listed = Math.Min(batch.Count, MaxListedIds);
        var ids = Enumerable.Range(0, listed).Select(i => batch.FirstJobId + i).ToArray();
        return TypedResults.Accepted(
            $"/batches/{batch.Id}",
            new BatchAccepted(batch.Id, batch.Count, batch.FirstJobId, batch.FirstJobId + batch.Count - 1, ids, listed < batch.Count));
    }

    internal static Results<Ok<JobRecordView>, NotFound> GetJob(long id, JobStore jobs, DeliveryLog deliveries, WebhookPayloads payloads) =>
        jobs.Get(id) is { } job ? TypedResults.Ok(View(job, deliveries, payloads)) : TypedResults.NotFound();

    internal static Results<Ok<JobRecordView>, NotFound, Conflict<ProblemDetails>> Approve(
        long id, JobStore jobs, WorkflowJobWebhooks webhooks, DeliveryLog deliveries, WebhookPayloads payloads, ILogger<BatchRunner> logger)
    {
        var (job, problem) = jobs.Approve(id);
        return Changed(id, job, problem, JobStatus.Queued, "approved: waiting -> queued", jobs, webhooks, deliveries, payloads, logger);
    }

    internal static Results<Ok<JobRecordView>, NotFound, Conflict<ProblemDetails>> Cancel(
        long id, JobStore jobs, WorkflowJobWebhooks webhooks, DeliveryLog deliveries, WebhookPayloads payloads, ILogger<BatchRunner> logger)
    {
        var (job, problem) = jobs.Cancel(id);
        return Changed(id, job, problem, JobStatus.Completed, "cancelled before a runner took it", jobs, webhooks, deliveries, payloads, logger);
    }

    internal static JobRecordView View(JobSnapshot job, DeliveryLog deliveries, WebhookPayloads payloads) => new(
        job.Id,
        job.Repository.FullName,
        job.LabelSetKey,
        job.BatchId,
        job.Duration.TotalMilliseconds,
        job.Status,
        job.Conclusion,
        job.RunnerName,
        job.RunnerId,
        deliveries.StateOf(job.QueuedDeliveryId),
        payloads.WorkflowJobObject(job),
        [.. job.Deliveries.Select(deliveries.Get).OfType<DeliveryRecord>().Select(r => r.View())]);

    private static Results<Ok<JobRecordView>, NotFound, Conflict<ProblemDetails>> Changed(
        long id, JobSnapshot? job, string? problem, string action, string change,
        JobStore jobs, WorkflowJobWebhooks webhooks, DeliveryLog deliveries, WebhookPayloads payloads, ILogger logger)
    {
        if (job is null)
        {
            return TypedResults.NotFound();
        }

        if (problem is not null)
        {
            return TypedResults.Conflict(new ProblemDetails { Title = problem, Status = StatusCodes.Status409Conflict });
        }

        webhooks.Send(job, action);
        Log.JobChanged(logger, id, change);
        return TypedResults.Ok(View(jobs.Get(id) ?? job, deliveries, payloads));
    }
}
