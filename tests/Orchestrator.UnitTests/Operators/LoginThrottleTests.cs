using Microsoft.Extensions.Time.Testing;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.UnitTests.Operators;

public sealed class LoginThrottleTests
{
    [Fact]
    public void Refused_AfterTenFailuresInAMinute_UntilTheWindowEnds()
    {
        var time = new FakeTimeProvider();
        var throttle = new LoginThrottle(time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            throttle.RecordFailure("10.0.0.1");
        }

        Assert.Null(throttle.Refused("10.0.0.1"));
        throttle.RecordFailure("10.0.0.1");
        Assert.Equal(10, throttle.Refused("10.0.0.1"));
        Assert.Null(throttle.Refused("10.0.0.2"));

        time.Advance(LoginThrottle.Window);
        Assert.Null(throttle.Refused("10.0.0.1"));
        throttle.RecordFailure("10.0.0.1");
        Assert.Null(throttle.Refused("10.0.0.1"));
    }
}
