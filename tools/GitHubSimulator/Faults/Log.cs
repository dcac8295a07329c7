namespace RunnerHub.GitHubSimulator.Faults;

/// <summary>Fault switch log messages, event ids 9500-9599.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9500, Level = LogLevel.Information,
        Message = "Faults set: dropRate {DropRate}, duplicateRate {DuplicateRate}, delayMs {DelayMs}, reorder {Reorder}, runnerNeverGetsJob {RunnerNeverGetsJob}, runnerStartMs {RunnerStartMs}, apiFailureRate {ApiFailureRate}, apiLostReplyRate {ApiLostReplyRate}, rateLimited {RateLimited}, seed {Seed}")]
    public static partial void FaultsSet(ILogger logger, double dropRate, double duplicateRate, int delayMs, int reorder,
        bool runnerNeverGetsJob, int runnerStartMs, double apiFailureRate, double apiLostReplyRate, bool rateLimited, int? seed);

    [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Faults cleared")]
    public static partial void FaultsCleared(ILogger logger);
}
