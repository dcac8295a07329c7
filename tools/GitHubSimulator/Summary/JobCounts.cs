using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Summary;

/// <summary>
/// Job counts, from the simulator's own records. Delivery fields are about each job's
/// <c>queued</c> webhook: <c>created = delivered + failed + dropped + pending</c>.
/// Status fields: <c>created = waiting + queued + inProgress + completed</c>.
/// </summary>
internal class JobCounts
{
    public int Created { get; private set; }

    /// <summary>Jobs whose <c>queued</c> webhook was answered 2xx (at least once).</summary>
    public int Delivered { get; private set; }

    /// <summary>Jobs whose <c>queued</c> webhook was sent and never answered 2xx; GitHub does not retry.</summary>
    public int Failed { get; private set; }

    /// <summary>Jobs whose <c>queued</c> webhook the drop fault never sent.</summary>
    public int Dropped { get; private set; }

    /// <summary>Jobs whose <c>queued</c> webhook is not sent yet (delayed, buffered, in flight, or the job is waiting).</summary>
    public int Pending { get; private set; }

    public int Waiting { get; private set; }

    public int Queued { get; private set; }

    public int InProgress { get; private set; }

    public int Completed { get; private set; }

    /// <summary>Completed jobs by conclusion: <c>success</c>, <c>failure</c>, <c>cancelled</c>.</summary>
    public SortedDictionary<string, int> Conclusions { get; } = new(StringComparer.Ordinal);

    public void Add(JobSnapshot job, string queuedDelivery)
    {
        Created++;
        switch (queuedDelivery)
        {
            case DeliveryStates.Delivered: Delivered++; break;
            case DeliveryStates.Failed: Failed++; break;
            case DeliveryStates.Dropped: Dropped++; break;
            default: Pending++; break;
        }

        switch (job.Status)
        {
            case JobStatus.Waiting: Waiting++; break;
            case JobStatus.Queued: Queued++; break;
            case JobStatus.InProgress: InProgress++; break;
            default: Completed++; break;
        }

        if (job.Conclusion is { } conclusion)
        {
            Conclusions[conclusion] = Conclusions.GetValueOrDefault(conclusion) + 1;
        }
    }
}
