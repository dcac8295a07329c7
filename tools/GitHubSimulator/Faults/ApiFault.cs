namespace RunnerHub.GitHubSimulator.Faults;

/// <summary>What the fault switches make of one GitHub API call.</summary>
internal enum ApiFault
{
    None,

    /// <summary>Refused with 403/429 and <c>retry-after</c>.</summary>
    RateLimited,

    /// <summary>Answered 502 without doing anything.</summary>
    Fail,

    /// <summary>Done, but answered 502, as when the reply is lost on the way back.</summary>
    LoseReply,
}
