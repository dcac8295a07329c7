using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>
/// Sends one webhook request the way GitHub's Hookshot does (headers, no retry, a 10 s answer
/// budget) and records what came back on the delivery.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<SimulatorOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "webhooks";

    // Hookshot's User-Agent carries a short build hash.
    private const string UserAgent = "GitHub-Hookshot/5f1c2a7";

    public async Task SendAsync(OutgoingWebhook webhook, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var record = webhook.Record;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Accept.ParseAdd("*/*");
        request.Headers.Add("X-GitHub-Event", record.Event);
        request.Headers.Add("X-GitHub-Delivery", record.Id.ToString());
        request.Headers.Add("X-GitHub-Hook-ID", "1");
        request.Headers.Add("X-GitHub-Hook-Installation-Target-Type", "integration");
        request.Headers.Add("X-GitHub-Hook-Installation-Target-ID", settings.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Hub-Signature", webhook.Signature1);
        request.Headers.Add("X-Hub-Signature-256", webhook.Signature256);
        request.Content = new ByteArrayContent(webhook.Body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.DeliveryTimeout);
        var at = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        DeliveryAttempt attempt;
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            attempt = new DeliveryAttempt(at, (int)response.StatusCode, null, clock.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            attempt = new DeliveryAttempt(at, null, "timeout", clock.Elapsed.TotalMilliseconds);
        }
        catch (HttpRequestException ex)
        {
            attempt = new DeliveryAttempt(at, null, ex.HttpRequestError.ToString(), clock.Elapsed.TotalMilliseconds);
        }

        record.Record(attempt);
        if (attempt.Answered2xx)
        {
            Log.Delivered(logger, record.EventKey, record.Id, record.JobId, attempt.StatusCode!.Value, attempt.ElapsedMs);
        }
        else
        {
            Log.DeliveryFailed(logger, record.EventKey, record.Id, record.JobId, attempt.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? attempt.Error ?? "error", attempt.ElapsedMs);
        }
    }
}
