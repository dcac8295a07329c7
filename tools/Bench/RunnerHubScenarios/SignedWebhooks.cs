using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>
/// Builds and sends <c>workflow_job</c> webhooks as GitHub does: the real payload with this job's
/// id, run, labels and repository written over it, signed with HMAC-SHA256 over the body bytes.
/// </summary>
internal sealed class SignedWebhooks(HttpClient http, Uri url, string secret)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);
    private readonly JsonObject _queued = Load("workflow_job.queued.json");
    private readonly JsonObject _completed = Load("workflow_job.completed.json");

    public byte[] Body(string action, long jobId, string repository, IReadOnlyList<string> labels)
    {
        var root = (action == "completed" ? _completed : _queued).DeepClone().AsObject();
        root["action"] = action;
        var job = root["workflow_job"]!.AsObject();
        job["id"] = jobId;
        job["run_id"] = jobId;
        job["status"] = action;
        job["labels"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]);
        if (action == "completed")
        {
            job["conclusion"] = "cancelled";
        }

        var repo = root["repository"]!.AsObject();
        repo["full_name"] = repository;
        repo["name"] = repository[(repository.IndexOf('/', StringComparison.Ordinal) + 1)..];
        repo["owner"]!.AsObject()["login"] = repository[..repository.IndexOf('/', StringComparison.Ordinal)];
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    /// <summary>Sends one delivery; returns the status code (0 when nothing came back).</summary>
    public async Task<int> SendAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("X-GitHub-Event", "workflow_job");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, body)));
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/bench");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static JsonObject Load(string name)
    {
        using var stream = typeof(SignedWebhooks).Assembly.GetManifestResourceStream("Payloads." + name)
            ?? throw new InvalidOperationException($"embedded payload {name} is missing");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
