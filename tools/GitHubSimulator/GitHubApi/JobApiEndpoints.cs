using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Payloads;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary><c>GET /repos/{owner}/{repo}/actions/jobs/{job_id}</c>: the job exactly as a webhook's <c>workflow_job</c> shows it.</summary>
internal static class JobApiEndpoints
{
    private const string Docs = "https://docs.github.com/rest/actions/workflow-jobs#get-a-job-for-a-workflow-run";

    public static RouteGroupBuilder MapJobApi(this RouteGroupBuilder api)
    {
        api.MapGet("/repos/{owner}/{repo}/actions/jobs/{jobId:long}", GetJob);
        return api;
    }

    internal static Results<JsonHttpResult<JsonObject>, JsonHttpResult<GitHubError>> GetJob(string owner, string repo, long jobId, JobStore jobs, WebhookPayloads payloads) =>
        jobs.Get(jobId) is { } job && job.Repository.Is(owner, repo)
            ? ApiResults.Json(payloads.WorkflowJobObject(job))
            : ApiResults.NotFound(Docs);
}
