namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>Simulated runner log messages, event ids 9400-9499. Never a JIT config.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9400, Level = LogLevel.Information, Message = "Runner {RunnerName} ({RunnerId}, {Scope}, labels {Labels}) started; waiting up to {WaitSeconds} s for a job")]
    public static partial void RunnerStarted(ILogger logger, string runnerName, long runnerId, string scope, string labels, double waitSeconds);

    [LoggerMessage(EventId = 9401, Level = LogLevel.Information, Message = "Runner {RunnerName} ({RunnerId}) took job {JobId} (labels {LabelSet}, {Repository})")]
    public static partial void TookJob(ILogger logger, string runnerName, long runnerId, long jobId, string labelSet, string repository);

    [LoggerMessage(EventId = 9402, Level = LogLevel.Information, Message = "Runner {RunnerName} ({RunnerId}) finished job {JobId}: {Conclusion}")]
    public static partial void FinishedJob(ILogger logger, string runnerName, long runnerId, long jobId, string conclusion);

    [LoggerMessage(EventId = 9403, Level = LogLevel.Information, Message = "Runner {RunnerName} ({RunnerId}) got no job in {Seconds:0.0} s (process gone: {Gone})")]
    public static partial void NoJob(ILogger logger, string runnerName, long runnerId, double seconds, bool gone);

    [LoggerMessage(EventId = 9404, Level = LogLevel.Warning, Message = "Runner {RunnerName} ({RunnerId}) went away while running job {JobId}; the job fails")]
    public static partial void RunnerLost(ILogger logger, string runnerName, long runnerId, long jobId);

    [LoggerMessage(EventId = 9405, Level = LogLevel.Information, Message = "Runner {RunnerName} ({RunnerId}) went away while booting; it took no job")]
    public static partial void RunnerLostBooting(ILogger logger, string runnerName, long runnerId);
}
