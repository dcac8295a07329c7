using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Summary;

/// <summary>Delivery ids by state: <c>created = delivered + undelivered + dropped + pending</c>.</summary>
internal sealed class DeliveryStateCounts
{
    public int Created { get; private set; }

    public int Delivered { get; private set; }

    public int Undelivered { get; private set; }

    public int Dropped { get; private set; }

    public int Pending { get; private set; }

    public void Add(string state)
    {
        Created++;
        switch (state)
        {
            case DeliveryStates.Delivered: Delivered++; break;
            case DeliveryStates.Failed: Undelivered++; break;
            case DeliveryStates.Dropped: Dropped++; break;
            default: Pending++; break;
        }
    }
}
