namespace RunnerHub.ServiceDefaults;

/// <summary>Whether this process has been asked to stop and is draining.</summary>
public sealed class DrainState : IDisposable
{
    private readonly CancellationTokenSource _draining = new();

    /// <summary>True once a stop was requested; never goes back.</summary>
    public bool IsDraining => _draining.IsCancellationRequested;

    /// <summary>Fires when draining starts, so loops can stop taking new work.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>Starts draining. Safe to call more than once.</summary>
    public void Begin()
    {
        try
        {
            _draining.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped: nothing left to drain.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _draining.Dispose();
}
