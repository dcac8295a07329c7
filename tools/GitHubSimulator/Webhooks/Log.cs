namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>Webhook delivery log messages, event ids 9100-9199. Never the secret, a signature or a body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9100, Level = LogLevel.Debug, Message = "Delivered {Event} {DeliveryId} (job {JobId}): {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void Delivered(ILogger logger, string @event, Guid deliveryId, long? jobId, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Delivery {Event} {DeliveryId} (job {JobId}) failed: {Status} after {ElapsedMs:0.0} ms; GitHub does not retry")]
    public static partial void DeliveryFailed(ILogger logger, string @event, Guid deliveryId, long? jobId, string status, double elapsedMs);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Debug, Message = "Dropped {Event} {DeliveryId} (job {JobId}) by the drop fault")]
    public static partial void Dropped(ILogger logger, string @event, Guid deliveryId, long? jobId);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "Webhook pipeline stage {Stage} failed; continuing")]
    public static partial void StageFailed(ILogger logger, Exception exception, string stage);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Information, Message = "Sending webhooks to {WebhookUrl} with up to {Concurrency} in flight")]
    public static partial void PipelineStarted(ILogger logger, string webhookUrl, int concurrency);
}
