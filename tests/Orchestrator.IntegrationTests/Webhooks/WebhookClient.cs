using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace RunnerHub.Orchestrator.IntegrationTests.Webhooks;

/// <summary>Sends deliveries the way GitHub does: raw body, HMAC-SHA256 signature, event and delivery headers.</summary>
internal static class WebhookClient
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string secret, string gitHubEvent, byte[] body, string? delivery = null, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", gitHubEvent);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", signature ?? Sign(secret, body));
        return await client.SendAsync(request);
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A workflow_job body with a fresh job id unless one is given.</summary>
    public static byte[] Job(
        string action,
        long jobId,
        string labelsJson = """["self-hosted","linux","x64"]""",
        string repository = "octo-org/octo-repo",
        string? runner = null,
        string? conclusion = null,
        DateTimeOffset? startedAt = null,
        DateTimeOffset? completedAt = null)
    {
        var owner = repository.Split('/')[0];
        var runnerJson = runner is null ? "null" : $"\"{runner}\"";
        var conclusionJson = conclusion is null ? "null" : $"\"{conclusion}\"";
        var startedJson = startedAt is { } s ? $"\"{s.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"" : "null";
        var completedJson = completedAt is { } c ? $"\"{c.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"" : "null";
        return Encoding.UTF8.GetBytes(
            $$"""
            {"action":"{{action}}","workflow_job":{"id":{{jobId}},"run_id":{{jobId + 1}},"run_attempt":1,"status":"{{action}}",
             "conclusion":{{conclusionJson}},"labels":{{labelsJson}},"runner_name":{{runnerJson}},"name":"build","workflow_name":"CI",
             "html_url":"https://github.com/{{repository}}/actions/runs/1/job/{{jobId}}","created_at":"2026-11-23T10:00:00Z",
             "started_at":{{startedJson}},"completed_at":{{completedJson}}},
             "repository":{"full_name":"{{repository}}","owner":{"login":"{{owner}}"} } }
            """);
    }

    public static long NewJobId() => Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
}
