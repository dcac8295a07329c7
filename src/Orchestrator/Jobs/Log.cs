namespace RunnerHub.Orchestrator.Jobs;

// Event ids 1900-1999.
internal static partial class Log
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "Queue lengths not read from Redis ({Reason}); answering them as unknown")]
    public static partial void QueueLengthsUnavailable(ILogger logger, string reason);
}
