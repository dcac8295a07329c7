using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Payloads;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>Sends a job's <c>workflow_job</c> webhook for its current state and files the delivery under the job.</summary>
internal sealed class WorkflowJobWebhooks(WebhookPayloads payloads, DeliveryPipeline pipeline, JobStore jobs)
{
    public const string Event = "workflow_job";

    public Guid Send(JobSnapshot job, string action)
    {
        var record = pipeline.Submit(Event, action, job.Id, payloads.WorkflowJob(job, action));
        jobs.AddDelivery(job.Id, record.Id, isQueued: action == JobStatus.Queued);
        return record.Id;
    }

    public Guid Ping() => pipeline.Submit("ping", null, null, payloads.Ping()).Id;
}
