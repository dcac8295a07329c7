using RunnerHub.GitHubSimulator.Faults;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>
/// One webhook delivery (one <c>X-GitHub-Delivery</c> id) and every request made for it. GitHub
/// never retries by itself, so a delivery has one attempt, two with the duplicate fault, none
/// when dropped.
/// </summary>
internal sealed class DeliveryRecord(Guid id, string @event, string? action, long? jobId, DateTimeOffset createdAt, WebhookFaults faults)
{
    private readonly Lock _gate = new();
    private readonly List<DeliveryAttempt> _attempts = [];

    public Guid Id { get; } = id;

    public string Event { get; } = @event;

    public string? Action { get; } = action;

    public long? JobId { get; } = jobId;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public WebhookFaults Faults { get; } = faults;

    public int PlannedAttempts => Faults.Drop ? 0 : Faults.Duplicate ? 2 : 1;

    /// <summary><c>workflow_job.queued</c>, <c>ping</c>: the <c>byEvent</c> key.</summary>
    public string EventKey => Action is null ? Event : $"{Event}.{Action}";

    public void Record(DeliveryAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
        }
    }

    public IReadOnlyList<DeliveryAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary><c>dropped</c>, <c>pending</c> (not every planned request done), <c>delivered</c> (a 2xx) or <c>failed</c>.</summary>
    public string State
    {
        get
        {
            if (Faults.Drop)
            {
                return DeliveryStates.Dropped;
            }

            lock (_gate)
            {
                return _attempts.Any(a => a.Answered2xx) ? DeliveryStates.Delivered
                    : _attempts.Count < PlannedAttempts ? DeliveryStates.Pending
                    : DeliveryStates.Failed;
            }
        }
    }

    public DeliveryView View() => new(Id, Event, Action, JobId, CreatedAt, State, Faults.Drop, Faults.Duplicate, Faults.Delay.TotalMilliseconds, Attempts);
}
