namespace RunnerHub.Orchestrator.Webhooks;

// Event ids 1500-1599. Never log the signature, the secret or the body.
internal static partial class Log
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} rejected: bad or missing X-Hub-Signature-256")]
    public static partial void BadSignature(ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} rejected with {StatusCode}: {Reason}")]
    public static partial void Rejected(ILogger logger, string deliveryId, int statusCode, string reason);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} ({Event}) ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string deliveryId, string @event, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Job {JobId} of {Repository} [{Labels}]: {Action} -> {State} ({Outcome}, delivery {DeliveryId})")]
    public static partial void Applied(ILogger logger, long jobId, string repository, string labels, string action, string state, string outcome, string deliveryId);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} was seen before; answered as the first time ({Outcome})")]
    public static partial void Duplicate(ILogger logger, string deliveryId, string outcome);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "Job {JobId} is stored but its pointer could not be pushed to Redis ({Reason}); the reconciler will queue it")]
    public static partial void EnqueueFailed(ILogger logger, long jobId, string reason);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId}: PostgreSQL did not answer within {Seconds} s; answered 503")]
    public static partial void TimedOut(ILogger logger, string deliveryId, double seconds);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Information, Message = "JIT runner {JitRunner} took job {BusyJobId}; job {JobId} it was launched for is queued again")]
    public static partial void Rebound(ILogger logger, string jitRunner, long busyJobId, long jobId);
}
