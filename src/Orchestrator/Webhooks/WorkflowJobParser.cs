using System.Text.Json;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;

namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>Turns a <c>workflow_job</c> body into a <see cref="WorkflowJobEvent"/>, or says exactly what is wrong.</summary>
internal static class WorkflowJobParser
{
    /// <summary>The outcome: an event, an action RunnerHub does not handle (ignored), or errors (400).</summary>
    internal sealed record Result(WorkflowJobEvent? Event, string? IgnoredAction, IReadOnlyList<string> Errors);

    public static Result Parse(string deliveryId, ReadOnlySpan<byte> body)
    {
        WorkflowJobPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.WorkflowJobPayload);
        }
        catch (JsonException ex)
        {
            return Invalid($"body is not valid workflow_job JSON: {ex.Message}");
        }

        if (payload is null)
        {
            return Invalid("body is JSON null");
        }

        var state = payload.Action switch
        {
            "queued" => JobState.Queued,
            "waiting" => JobState.Waiting,
            "in_progress" => JobState.InProgress,
            "completed" => JobState.Completed,
            null => (JobState?)null,
            _ => null,
        };
        if (payload.Action is null)
        {
            return Invalid("action is required");
        }

        if (state is null)
        {
            return new Result(null, payload.Action, []);
        }

        var errors = new List<string>();
        var job = payload.WorkflowJob;
        if (job is null)
        {
            errors.Add("workflow_job is required");
        }
        else
        {
            if (job.Id is null or <= 0)
            {
                errors.Add("workflow_job.id is required");
            }

            if (job.RunId is null or <= 0)
            {
                errors.Add("workflow_job.run_id is required");
            }
        }

        LabelSet? labels = null;
        if (job?.Labels is null)
        {
            errors.Add("workflow_job.labels is required");
        }
        else if (!LabelSet.TryFrom(job.Labels, out labels, out var labelError))
        {
            errors.Add($"workflow_job.labels: {labelError}");
        }

        var repository = payload.Repository?.FullName;
        if (string.IsNullOrWhiteSpace(repository) || repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            errors.Add("repository.full_name (owner/name) is required");
        }

        if (errors.Count > 0)
        {
            return new Result(null, null, errors);
        }

        var owner = payload.Repository!.Owner?.Login ?? repository![..repository!.IndexOf('/', StringComparison.Ordinal)];
        return new Result(
            new WorkflowJobEvent(
                deliveryId,
                payload.Action,
                state.Value,
                job!.Id!.Value,
                job.RunId!.Value,
                job.RunAttempt ?? 1,
                repository!,
                owner,
                labels!,
                job.WorkflowName,
                job.Name,
                job.HtmlUrl,
                job.Conclusion,
                string.IsNullOrEmpty(job.RunnerName) ? null : job.RunnerName,
                job.CreatedAt,
                job.StartedAt,
                job.CompletedAt),
            null,
            []);
    }

    private static Result Invalid(string error) => new(null, null, [error]);
}
