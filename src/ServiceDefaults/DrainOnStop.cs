using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RunnerHub.ServiceDefaults;

/// <summary>
/// On SIGTERM (or any host stop) turns readiness to 503 and waits <see cref="DrainOptions.Delay"/>
/// before the web server stops, so the load balancer moves traffic away while this process still
/// answers. Runs in <see cref="IHostedLifecycleService.StoppingAsync"/>, which the host calls
/// before any service (Kestrel included) stops; Kestrel then finishes in-flight requests.
/// </summary>
internal sealed partial class DrainOnStop(DrainState state, IOptions<DrainOptions> options, TimeProvider time, ILogger<DrainOnStop> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (state.IsDraining)
        {
            return;
        }

        state.Begin();
        var delay = options.Value.Delay;
        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Stop requested: readiness is now 503, draining for {Seconds} s before the server stops")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
