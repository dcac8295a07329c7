namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>Wakes the dispatcher early: a runner freed a slot, or a job was queued (Redis nudge).</summary>
internal sealed class DispatchSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up covers any number of reasons.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
