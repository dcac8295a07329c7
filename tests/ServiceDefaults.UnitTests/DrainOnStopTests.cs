using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace RunnerHub.ServiceDefaults.UnitTests;

public class DrainOnStopTests
{
    [Fact]
    public async Task StoppingAsync_TurnsReadinessUnhealthy_ThenWaitsTheDrainDelay()
    {
        var time = new FakeTimeProvider();
        using var state = new DrainState();
        var check = new DrainHealthCheck(state);
        var drain = new DrainOnStop(state, Options.Create(new DrainOptions { Delay = TimeSpan.FromSeconds(3) }), time, NullLogger<DrainOnStop>.Instance);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        var stopping = drain.StoppingAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.True(state.Draining.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StoppingAsync_IsSafeToCallTwice()
    {
        var time = new FakeTimeProvider();
        using var state = new DrainState();
        var drain = new DrainOnStop(state, Options.Create(new DrainOptions { Delay = TimeSpan.FromSeconds(3) }), time, NullLogger<DrainOnStop>.Instance);
        var first = drain.StoppingAsync(CancellationToken.None);

        var second = drain.StoppingAsync(CancellationToken.None);

        Assert.True(second.IsCompletedSuccessfully);
        time.Advance(TimeSpan.FromSeconds(3));
        await first.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StoppingAsync_EndsEarly_WhenTheHostShutdownTimeoutFires()
    {
        using var state = new DrainState();
        using var cts = new CancellationTokenSource();
        var drain = new DrainOnStop(state, Options.Create(new DrainOptions { Delay = TimeSpan.FromMinutes(1) }), new FakeTimeProvider(), NullLogger<DrainOnStop>.Instance);
        var stopping = drain.StoppingAsync(cts.Token);

        await cts.CancelAsync();

        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(state.IsDraining);
    }
}
