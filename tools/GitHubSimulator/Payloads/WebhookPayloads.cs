using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator.Jobs;

namespace RunnerHub.GitHubSimulator.Payloads;

/// <summary>
/// Builds webhook bodies and API job objects from the embedded templates: every template field is
/// kept in its place, and what the simulated job decides (ids, status, labels, runner, times,
/// repository, organization, installation) is written over it.
/// </summary>
internal sealed class WebhookPayloads(PayloadTemplates templates, IOptions<SimulatorOptions> options, TimeProvider time)
{
    private const string TemplateRepository = "Codertocat/Hello-World";
    private const string TemplateOwner = "Octocoders";
    private const string RunnerGroupName = "Default";
    private readonly ConcurrentDictionary<string, JsonObject> _repositories = new(StringComparer.OrdinalIgnoreCase);

    public byte[] WorkflowJob(JobSnapshot job, string action)
    {
        var template = templates.ForAction(action);
        var root = new JsonObject
        {
            ["action"] = action,
            ["workflow_job"] = WorkflowJobObject(job, template["workflow_job"]!.AsObject()),
            ["repository"] = Repository(job.Repository),
            ["organization"] = Organization(job.Repository.Owner),
            ["sender"] = template["sender"]!.DeepClone(),
            ["installation"] = Installation(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(root, GitHubJson.Options);
    }

    /// <summary>The job as <c>GET /repos/{owner}/{repo}/actions/jobs/{id}</c> returns it: the same object as a webhook's <c>workflow_job</c>.</summary>
    public JsonObject WorkflowJobObject(JobSnapshot job) =>
        WorkflowJobObject(job, templates.ForAction(job.Status)["workflow_job"]!.AsObject());

    public byte[] Ping()
    {
        var root = templates.Ping.DeepClone().AsObject();
        var now = GitHubJson.Timestamp(time.GetUtcNow());
        var hook = root["hook"]!.AsObject();
        hook["type"] = "App";
        hook["app_id"] = options.Value.AppId;
        hook["events"] = new JsonArray("workflow_job");
        hook["config"]!["url"] = options.Value.WebhookUrl;
        hook["created_at"] = now;
        hook["updated_at"] = now;
        // A GitHub App's ping names the hook and the app, not a repository.
        root.Remove("repository");
        return JsonSerializer.SerializeToUtf8Bytes(root, GitHubJson.Options);
    }

    private static JsonObject WorkflowJobObject(JobSnapshot job, JsonObject template)
    {
        var api = $"https://api.github.com/repos/{job.Repository.FullName}";
        var o = template.DeepClone().AsObject();
        var queued = job.Status is JobStatus.Queued or JobStatus.Waiting;
        o["id"] = job.Id;
        o["run_id"] = job.RunId;
        o["run_url"] = $"{api}/actions/runs/{job.RunId}";
        o["run_attempt"] = job.RunAttempt;
        o["node_id"] = "CR_" + Convert.ToBase64String(Encoding.ASCII.GetBytes($"09:CheckRun{job.Id}"));
        o["head_sha"] = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(job.RunId)).AsSpan(0, 20));
        o["head_branch"] = "main";
        o["url"] = $"{api}/actions/jobs/{job.Id}";
        o["html_url"] = $"https://github.com/{job.Repository.FullName}/actions/runs/{job.RunId}/job/{job.Id}";
        o["status"] = job.Status;
        o["conclusion"] = job.Conclusion;
        // GitHub reports started_at = created_at until a runner starts the job.
        o["started_at"] = GitHubJson.Timestamp(job.StartedAt ?? job.CreatedAt);
        o["created_at"] = GitHubJson.Timestamp(job.CreatedAt);
        o["completed_at"] = GitHubJson.Timestamp(job.CompletedAt);
        o["name"] = job.Name;
        o["steps"] = queued ? new JsonArray() : Steps(job);
        o["check_run_url"] = $"{api}/check-runs/{job.Id}";
        o["labels"] = new JsonArray([.. job.Labels.Select(l => (JsonNode?)JsonValue.Create(l))]);
        o["runner_id"] = job.RunnerId;
        o["runner_name"] = job.RunnerName;
        o["runner_group_id"] = job.RunnerId is null ? null : 1;
        o["runner_group_name"] = job.RunnerId is null ? null : RunnerGroupName;
        o["workflow_name"] = job.WorkflowName;
        return o;
    }

    private static JsonArray Steps(JobSnapshot job)
    {
        if (job.StartedAt is not { } started)
        {
            return [];
        }

        if (job.CompletedAt is not { } completed)
        {
            return [Step("Set up job", 1, JobStatus.InProgress, null, started, null)];
        }

        return
        [
            Step("Set up job", 1, JobStatus.Completed, JobStatus.Success, started, started),
            Step("Run simulated work", 2, JobStatus.Completed, job.Conclusion, started, completed),
            Step("Complete job", 3, JobStatus.Completed, JobStatus.Success, completed, completed),
        ];
    }

    private static JsonObject Step(string name, int number, string status, string? conclusion, DateTimeOffset started, DateTimeOffset? completed) => new()
    {
        ["name"] = name,
        ["status"] = status,
        ["conclusion"] = conclusion,
        ["number"] = number,
        ["started_at"] = GitHubJson.Timestamp(started),
        ["completed_at"] = GitHubJson.Timestamp(completed),
    };

    private JsonObject Repository(RepositoryName repository)
    {
        var built = _repositories.GetOrAdd(repository.FullName, _ =>
        {
            var o = Rewrite(templates.Queued["repository"]!, TemplateRepository, repository.FullName).AsObject();
            o["id"] = StableId(repository.FullName);
            o["node_id"] = "R_" + Convert.ToBase64String(Encoding.ASCII.GetBytes(repository.FullName.ToLowerInvariant()));
            o["name"] = repository.Name;
            o["full_name"] = repository.FullName;
            o["owner"] = Owner(templates.Queued["repository"]!["owner"]!, repository.Owner);
            return o;
        });
        return built.DeepClone().AsObject();
    }

    private JsonObject Organization(string owner) => Owner(templates.Completed["organization"]!, owner);

    private static JsonObject Owner(JsonNode template, string owner)
    {
        var o = Rewrite(template, TemplateOwner, owner).AsObject();
        o["login"] = owner;
        o["id"] = StableId(owner);
        o["node_id"] = "O_" + Convert.ToBase64String(Encoding.ASCII.GetBytes(owner.ToLowerInvariant()));
        return o;
    }

    private JsonObject Installation() => new()
    {
        ["id"] = options.Value.InstallationId,
        ["node_id"] = Convert.ToBase64String(Encoding.ASCII.GetBytes($"023:IntegrationInstallation{options.Value.InstallationId}")),
    };

    /// <summary>A copy of <paramref name="template"/> with <paramref name="from"/> replaced by <paramref name="to"/> in every string (the URLs).</summary>
    private static JsonNode Rewrite(JsonNode template, string from, string to)
    {
        var json = template.ToJsonString().Replace(from, to, StringComparison.Ordinal);
        return JsonNode.Parse(json)!;
    }

    /// <summary>The same id for the same name across restarts, as a repository or organization keeps its id on GitHub.</summary>
    private static int StableId(string name) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant())).AsSpan(0, 4)) & 0x3fffffff;
}
