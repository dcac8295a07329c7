namespace RunnerHub.Orchestrator.Operators;

// Event ids 2300-2349. Never log tokens, their hashes or cookies.
internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Operator {Name} signed in from {RemoteAddress}")]
    public static partial void SignedIn(ILogger logger, string name, string remoteAddress);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Failed operator sign-in from {RemoteAddress}: unknown or revoked token")]
    public static partial void SignInFailed(ILogger logger, string remoteAddress);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Operator sign-in from {RemoteAddress} refused: {Failures} failed attempts within a minute")]
    public static partial void SignInThrottled(ILogger logger, string remoteAddress, int failures);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Cross-site {Method} {Path} refused (Sec-Fetch-Site {FetchSite}, Origin {Origin})")]
    public static partial void CrossSiteRefused(ILogger logger, string method, string path, string fetchSite, string origin);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Information, Message = "Operator {Name} signed out")]
    public static partial void SignedOut(ILogger logger, string name);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Warning, Message = "Session of operator {Name} ended: its token was revoked")]
    public static partial void SessionRevoked(ILogger logger, string name);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Warning, Message = "Could not re-check the token of operator {Name}'s session ({Reason}); the session stays valid until the next check")]
    public static partial void SessionCheckFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 2307, Level = LogLevel.Information, Message = "Created the first Data Protection key (session cookies) in PostgreSQL")]
    public static partial void SessionKeyCreated(ILogger logger);

    [LoggerMessage(EventId = 2308, Level = LogLevel.Warning, Message = "Could not check the Data Protection key ring yet (attempt {Attempt}): {Reason}")]
    public static partial void SessionKeyCheckFailed(ILogger logger, int attempt, string reason);
}
