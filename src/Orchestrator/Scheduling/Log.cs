namespace RunnerHub.Orchestrator.Scheduling;

// Event ids 2400-2499.
internal static partial class Log
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "{NodeId} reached Hangfire's storage in schema {Schema}")]
    public static partial void StorageReady(ILogger logger, string nodeId, string schema);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "{NodeId} cannot {What} yet (attempt {Attempt}, next in {DelayMs} ms): {Reason}")]
    public static partial void Waiting(ILogger logger, string nodeId, string what, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Error, Message = "{NodeId} failed to {What} (attempt {Attempt}, next in {DelayMs} ms); the node runs on without Hangfire until it succeeds")]
    public static partial void Failed(ILogger logger, string nodeId, string what, int attempt, double delayMs, Exception exception);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "{NodeId} started a Hangfire server for queue {Queue} with {Workers} workers")]
    public static partial void ServerStarted(ILogger logger, string nodeId, string queue, int workers);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Information, Message = "{NodeId} stopped its Hangfire server for queue {Queue}: {Reason}")]
    public static partial void ServerStopped(ILogger logger, string nodeId, string queue, string reason);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Warning, Message = "{NodeId}'s Hangfire server for queue {Queue} did not stop within {Seconds} s; disposing it anyway")]
    public static partial void ServerStopSlow(ILogger logger, string nodeId, string queue, double seconds);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Information, Message = "{NodeId} leads (token {Token}): it now serves the leader queue")]
    public static partial void LeaderServerStarted(ILogger logger, string nodeId, long token);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Information, Message = "{NodeId} registered recurring job {JobId} on queue {Queue}, cron '{Cron}' (UTC)")]
    public static partial void RecurringRegistered(ILogger logger, string nodeId, string jobId, string queue, string cron);

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Leader job {Job} skipped: {NodeId} does not lead (leader: {LeaderId})")]
    public static partial void LeaderJobSkipped(ILogger logger, string job, string nodeId, string leaderId);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Leader job {Job} on {NodeId} refused by the fence, a newer leader exists: {Reason}")]
    public static partial void LeaderJobFenced(ILogger logger, string job, string nodeId, string reason);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Warning, Message = "Leader job {Job} stopped: {NodeId} lost leadership (token {Token}) mid-run; the next run continues it")]
    public static partial void LeaderJobTermEnded(ILogger logger, string job, string nodeId, long token);

    [LoggerMessage(EventId = 2420, Level = LogLevel.Information, Message = "Retention on {NodeId} (token {Token}) deleted {Deliveries} deliveries older than {DeliveriesAge} and {Jobs} finished jobs older than {JobsAge} in {Batches} batches")]
    public static partial void RetentionDone(ILogger logger, string nodeId, long token, long deliveries, TimeSpan deliveriesAge, long jobs, TimeSpan jobsAge, int batches);
}
