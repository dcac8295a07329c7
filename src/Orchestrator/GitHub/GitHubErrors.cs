namespace RunnerHub.Orchestrator.GitHub;

/// <summary>Which exceptions mean a call to GitHub failed, for the callers that log it and go on.</summary>
internal static class GitHubErrors
{
    /// <summary>
    /// GitHub answered with an error (<see cref="GitHubApiException"/>: rate limited, refused, 422
    /// for a runner that runs a job), or did not answer: the connection failed or broke, or the
    /// client's timeout or its resilience pipeline's gave up.
    /// </summary>
    public static bool IsCallFailure(Exception exception) =>
        exception is GitHubApiException or HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or IOException;
}
