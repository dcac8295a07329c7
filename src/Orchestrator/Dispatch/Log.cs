namespace RunnerHub.Orchestrator.Dispatch;

// Event ids 1800-1899. Never log JIT configs.
internal static partial class Log
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "Dispatched job {JobId} (attempt {Attempt}) to runner {Runner} as JIT runner {JitRunner}")]
    public static partial void Dispatched(ILogger logger, long jobId, int attempt, string runner, string jitRunner);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Job {JobId} (attempt {Attempt}) not dispatched to {Runner}: {Reason}; back to its queue")]
    public static partial void DispatchFailed(ILogger logger, long jobId, int attempt, string runner, string reason);

    [LoggerMessage(EventId = 1807, Level = LogLevel.Warning, Message = "The JIT runner {JitRunner} of a refused dispatch is still registered in {Repository}: {Reason}; the job's next claim replaces it")]
    public static partial void RegistrationNotDeleted(ILogger logger, string jitRunner, string repository, string reason);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Debug, Message = "Job {JobId} is no longer queued; dropping its pointer")]
    public static partial void NotQueued(ILogger logger, long jobId);

    [LoggerMessage(EventId = 1813, Level = LogLevel.Warning, Message = "Dispatcher cannot start yet (Redis refuses; retrying): {Reason}")]
    public static partial void StartDeferred(ILogger logger, string reason);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Warning, Message = "Dispatch pass failed: {Reason}")]
    public static partial void PassFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1804, Level = LogLevel.Information, Message = "Job {JobId} lost its dispatch lease; back to its queue")]
    public static partial void LeaseExpired(ILogger logger, long jobId);

    [LoggerMessage(EventId = 1805, Level = LogLevel.Warning, Message = "Job {JobId} lost its dispatch lease on attempt {Attempt}, its last failed attempt: dead")]
    public static partial void LeaseExpiredDead(ILogger logger, long jobId, int attempt);

    [LoggerMessage(EventId = 1808, Level = LogLevel.Information, Message = "JIT runner {JitRunner} of an expired dispatch deleted at GitHub ({Repository})")]
    public static partial void ExpiredRunnerDeleted(ILogger logger, string jitRunner, string repository);

    [LoggerMessage(EventId = 1809, Level = LogLevel.Warning, Message = "JIT runner {JitRunner} of an expired dispatch is still registered in {Repository}: {Reason}")]
    public static partial void ExpiredRunnerNotDeleted(ILogger logger, string jitRunner, string repository, string reason);

    [LoggerMessage(EventId = 1806, Level = LogLevel.Warning, Message = "Job {JobId} is queued in PostgreSQL but its pointer was missing from queue [{Labels}]; put it back")]
    public static partial void PointerRepaired(ILogger logger, long jobId, string labels);
}
