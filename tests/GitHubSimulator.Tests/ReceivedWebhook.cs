using System.Text;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests;

/// <summary>One request the receiver got: headers, the exact body bytes, and when.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    private JsonObject? _json;

    public string Event => Headers.GetValueOrDefault("X-GitHub-Event", "");

    public string DeliveryId => Headers.GetValueOrDefault("X-GitHub-Delivery", "");

    public JsonObject Json => _json ??= JsonNode.Parse(Body)!.AsObject();

    public string? Action => Json["action"]?.GetValue<string>();

    public long? JobId => Json["workflow_job"]?["id"]?.GetValue<long>();

    public string? RunnerName => Json["workflow_job"]?["runner_name"]?.GetValue<string>();

    public string[] Labels => Json["workflow_job"]?["labels"]?.AsArray().Select(l => l!.GetValue<string>()).ToArray() ?? [];

    public string BodyText => Encoding.UTF8.GetString(Body);
}
