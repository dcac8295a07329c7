namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>Job batch log messages, event ids 9200-9299.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9200, Level = LogLevel.Information, Message = "Batch {BatchId}: creating {Count} jobs at {Rate}/s (0 = at once) over {LabelSets} label set(s) and {Repositories} repositories")]
    public static partial void BatchStarted(ILogger logger, long batchId, int count, double rate, int labelSets, int repositories);

    [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Batch {BatchId}: {Created} jobs created in {ElapsedMs:0} ms")]
    public static partial void BatchFinished(ILogger logger, long batchId, int created, double elapsedMs);

    [LoggerMessage(EventId = 9202, Level = LogLevel.Information, Message = "Batch {BatchId} cancelled after {Created} of {Count} jobs (reset or shutdown)")]
    public static partial void BatchCancelled(ILogger logger, long batchId, int created, int count);

    [LoggerMessage(EventId = 9203, Level = LogLevel.Error, Message = "Batch {BatchId} failed after {Created} of {Count} jobs")]
    public static partial void BatchFailed(ILogger logger, Exception exception, long batchId, int created, int count);

    [LoggerMessage(EventId = 9204, Level = LogLevel.Information, Message = "Job {JobId} {Change}")]
    public static partial void JobChanged(ILogger logger, long jobId, string change);
}
