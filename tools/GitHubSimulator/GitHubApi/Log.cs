namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>GitHub API log messages, event ids 9300-9399. Never a token or a JIT config.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9300, Level = LogLevel.Information, Message = "Registered JIT runner {RunnerName} ({RunnerId}) for {Scope} with labels {Labels}")]
    public static partial void RunnerRegistered(ILogger logger, string runnerName, long runnerId, string scope, string labels);

    [LoggerMessage(EventId = 9301, Level = LogLevel.Information, Message = "Refused JIT config for {Scope}: a runner named {RunnerName} exists (409)")]
    public static partial void RunnerNameTaken(ILogger logger, string scope, string runnerName);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Information, Message = "Deleted runner {RunnerId} of {Scope}")]
    public static partial void RunnerDeleted(ILogger logger, long runnerId, string scope);

    [LoggerMessage(EventId = 9303, Level = LogLevel.Information, Message = "{Method} {Path}: 401, {Reason}")]
    public static partial void Unauthenticated(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 9304, Level = LogLevel.Information, Message = "{Method} {Path}: {Status} rate limited ({Why})")]
    public static partial void RateLimited(ILogger logger, string method, string path, int status, string why);

    [LoggerMessage(EventId = 9305, Level = LogLevel.Information, Message = "{Method} {Path}: 502 injected ({What})")]
    public static partial void InjectedFailure(ILogger logger, string method, string path, string what);

    [LoggerMessage(EventId = 9306, Level = LogLevel.Information, Message = "Issued an installation access token for installation {InstallationId}")]
    public static partial void TokenIssued(ILogger logger, long installationId);
}
