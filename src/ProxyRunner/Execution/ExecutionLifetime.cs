namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// Ties the executor to the host: deals with a previous run's leftovers before the host starts
/// serving, and drains running jobs when it stops. Draining happens in
/// <see cref="StoppingAsync"/>, before any hosted service stops, so the connection that reports
/// the exits is still up whatever order the features were registered in.
/// </summary>
internal sealed class ExecutionLifetime(IJobExecutor executor) : IHostedLifecycleService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await executor.FindLeftoversAsync(cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken) => executor.StopAsync(cancellationToken);

    // Safe twice: a host that skipped StoppingAsync still drains here.
    public Task StopAsync(CancellationToken cancellationToken) => executor.StopAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
