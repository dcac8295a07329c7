namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>A dispatch whose job GitHub has not started long after its JIT runner was launched.</summary>
/// <param name="JobId">GitHub's workflow_job id.</param>
/// <param name="Attempt">The dispatch attempt.</param>
/// <param name="Repository">owner/name: where the JIT runner is registered.</param>
/// <param name="JitRunnerName">The JIT runner's name at GitHub.</param>
/// <param name="RunnerId">The proxy runner holding the dispatch.</param>
internal sealed record UnusedDispatch(long JobId, int Attempt, string Repository, string JitRunnerName, Guid? RunnerId);
