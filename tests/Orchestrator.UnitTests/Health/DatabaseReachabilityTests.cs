using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using RunnerHub.Orchestrator.Health;

namespace RunnerHub.Orchestrator.UnitTests.Health;

public class DatabaseReachabilityTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    [Fact]
    public void RecordFailure_GivesNoGrace_WhenThePrimaryWasNeverReached()
    {
        var reachability = new DatabaseReachability(new FakeTimeProvider());

        var unreachableFor = reachability.RecordFailure();

        Assert.Equal(HealthStatus.Unhealthy, DatabaseReachability.Evaluate(unreachableFor, Grace));
    }

    [Fact]
    public void RecordFailure_CountsFromTheFirstFailure_AndTurnsUnhealthyAfterTheGrace()
    {
        var time = new FakeTimeProvider();
        var reachability = new DatabaseReachability(time);
        reachability.RecordSuccess();
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.Zero, reachability.RecordFailure());
        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(HealthStatus.Degraded, DatabaseReachability.Evaluate(reachability.RecordFailure(), Grace));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(HealthStatus.Unhealthy, DatabaseReachability.Evaluate(reachability.RecordFailure(), Grace));
    }

    [Fact]
    public void RecordSuccess_ResetsTheOutageClock()
    {
        var time = new FakeTimeProvider();
        var reachability = new DatabaseReachability(time);
        reachability.RecordSuccess();
        reachability.RecordFailure();
        time.Advance(TimeSpan.FromSeconds(20));

        reachability.RecordSuccess();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, reachability.RecordFailure());
    }

    [Fact]
    public void Evaluate_WithZeroGrace_IsAlwaysUnhealthy()
    {
        Assert.Equal(HealthStatus.Unhealthy, DatabaseReachability.Evaluate(TimeSpan.Zero, TimeSpan.Zero));
    }
}
