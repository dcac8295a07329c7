using Microsoft.AspNetCore.SignalR.Client;

namespace RunnerHub.ProxyRunner.Connection;

/// <summary>SignalR's automatic reconnect, never giving up, with jittered exponential backoff.</summary>
internal sealed class ForeverRetryPolicy : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        ArgumentNullException.ThrowIfNull(retryContext);
        return Backoff.Delay((int)Math.Min(retryContext.PreviousRetryCount + 1, int.MaxValue), Random.Shared);
    }
}
