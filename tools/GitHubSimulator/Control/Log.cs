namespace RunnerHub.GitHubSimulator.Control;

/// <summary>Simulator control log messages, event ids 9000-9099.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "State reset: forgot {Jobs} jobs, {Deliveries} deliveries, {Runners} runners; faults cleared")]
    public static partial void StateReset(ILogger logger, int jobs, int deliveries, int runners);
}
