using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Runs the body of a job on the <c>leader</c> queue under this node's current term. Only the
/// leader serves that queue, but a job fetched just before leadership moved may still start here:
/// without a term the body is skipped. The body gets the term (its fencing token, for
/// <see cref="LeaderFence.RunAsync{T}"/>) and a token that fires when the term ends or the server
/// stops. A write the fence refuses, or a term that ends mid-run, ends the job quietly: a newer
/// leader exists and its own schedule runs the job. A server stop is passed on, so Hangfire
/// gives the job back to the queue for the next leader.
/// </summary>
internal sealed class LeaderJobRunner(ILeadershipState leadership, ILogger<LeaderJobRunner> logger)
{
    public async Task RunAsync(string job, Func<LeadershipTerm, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        if (leadership.Term is not { } term)
        {
            Log.LeaderJobSkipped(logger, job, leadership.NodeId, leadership.LeaderId ?? "unknown");
            return;
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, term.Lost);
        try
        {
            await body(term, running.Token);
        }
        catch (FencedOutException ex)
        {
            Log.LeaderJobFenced(logger, job, leadership.NodeId, ex.Message);
        }
        catch (OperationCanceledException) when (term.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.LeaderJobTermEnded(logger, job, leadership.NodeId, term.Token);
        }
    }
}
