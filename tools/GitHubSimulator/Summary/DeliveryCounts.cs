using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Summary;

/// <summary>
/// Every webhook delivery (all events). Per delivery id: <c>created = delivered + undelivered +
/// dropped + pending</c>. Per HTTP request (a duplicated delivery makes two): <c>sent =
/// answered2xx + failed</c>, split by status in <c>byStatus</c> (<c>timeout</c>/<c>error</c> when
/// no status came back).
/// </summary>
internal sealed class DeliveryCounts
{
    public int Created { get; private set; }

    public int Delivered { get; private set; }

    public int Undelivered { get; private set; }

    public int Dropped { get; private set; }

    public int Pending { get; private set; }

    public int Duplicated { get; private set; }

    public int Sent { get; private set; }

    public int Answered2xx { get; private set; }

    public int Failed { get; private set; }

    public SortedDictionary<string, int> ByStatus { get; } = new(StringComparer.Ordinal);

    /// <summary>Per <c>event.action</c> (<c>workflow_job.queued</c>, <c>ping</c>…): the per-delivery-id counts.</summary>
    public SortedDictionary<string, DeliveryStateCounts> ByEvent { get; } = new(StringComparer.Ordinal);

    public void Add(DeliveryRecord record)
    {
        Created++;
        var state = record.State;
        switch (state)
        {
            case DeliveryStates.Delivered: Delivered++; break;
            case DeliveryStates.Failed: Undelivered++; break;
            case DeliveryStates.Dropped: Dropped++; break;
            default: Pending++; break;
        }

        Duplicated += record.Faults.Duplicate ? 1 : 0;
        foreach (var attempt in record.Attempts)
        {
            Sent++;
            Answered2xx += attempt.Answered2xx ? 1 : 0;
            Failed += attempt.Answered2xx ? 0 : 1;
            ByStatus[attempt.StatusKey] = ByStatus.GetValueOrDefault(attempt.StatusKey) + 1;
        }

        if (!ByEvent.TryGetValue(record.EventKey, out var perEvent))
        {
            ByEvent[record.EventKey] = perEvent = new DeliveryStateCounts();
        }

        perEvent.Add(state);
    }
}
