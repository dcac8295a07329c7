using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Payloads;

/// <summary>The octokit/webhooks example payloads embedded in this assembly (see Payloads/README.md), parsed once.</summary>
internal sealed class PayloadTemplates
{
    public JsonObject Queued { get; } = Load("workflow_job.queued.json");

    public JsonObject Waiting { get; } = Load("workflow_job.waiting.json");

    public JsonObject InProgress { get; } = Load("workflow_job.in_progress.json");

    public JsonObject Completed { get; } = Load("workflow_job.completed.json");

    public JsonObject Ping { get; } = Load("ping.json");

    public JsonObject ForAction(string action) => action switch
    {
        "queued" => Queued,
        "waiting" => Waiting,
        "in_progress" => InProgress,
        "completed" => Completed,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no workflow_job template for this action"),
    };

    private static JsonObject Load(string name)
    {
        using var stream = typeof(PayloadTemplates).Assembly.GetManifestResourceStream("Payloads." + name)
            ?? throw new InvalidOperationException($"embedded payload template Payloads.{name} is missing from the build");
        return JsonNode.Parse(stream)?.AsObject() ?? throw new InvalidOperationException($"payload template {name} is not a JSON object");
    }
}
