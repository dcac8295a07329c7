namespace RunnerHub.ProxyRunner.Execution;

/// <summary>A job could not be started; the dispatch should be refused so the orchestrator re-queues it.</summary>
internal sealed class JobStartException(JobStartFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public JobStartFailure Failure { get; } = failure;
}
