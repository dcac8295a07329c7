namespace RunnerHub.Orchestrator.Runners;

// Event ids 1600-1699. Never log tokens or credentials.
internal static partial class Log
{
    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Runner {Name} registered as {RunnerId} with labels [{Labels}], {Slots} slot(s)")]
    public static partial void Registered(ILogger logger, string name, Guid runnerId, string labels, int slots);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Runner registration for {Name} refused: unknown or expired registration token")]
    public static partial void RegistrationRefused(ILogger logger, string name);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Runner {Name} connected to {NodeId} ({FreeSlots} free slot(s), {Running} running, version {Version})")]
    public static partial void Connected(ILogger logger, string name, string nodeId, int freeSlots, int running, string version);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Runner {Name} disconnected from {NodeId}")]
    public static partial void Disconnected(ILogger logger, string name, string nodeId);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Runner {Name} was removed; closing its connection")]
    public static partial void RemovedRunnerClosed(ILogger logger, string name);

    [LoggerMessage(EventId = 1606, Level = LogLevel.Information, Message = "Operator created a registration token valid until {ExpiresAt}")]
    public static partial void TokenCreated(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1607, Level = LogLevel.Information, Message = "Runner {Name}: job {JobId} (attempt {Attempt}) ended: {Outcome}, exit code {ExitCode}")]
    public static partial void JobExited(ILogger logger, string name, long jobId, int attempt, string outcome, int? exitCode);
}
