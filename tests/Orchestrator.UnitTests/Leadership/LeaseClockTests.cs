using Microsoft.Extensions.Time.Testing;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.UnitTests.Leadership;

public sealed class LeaseClockTests
{
    private static readonly LeadershipOptions Options = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromMilliseconds(1500),
        RenewInterval = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public void ALeaderThatNeverRenews_StepsDownAtTheDeadline_BeforeTheLeaseCanExpire()
    {
        var time = new FakeTimeProvider();
        var clock = new LeaseClock(time, Options, time.GetTimestamp());

        time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.False(clock.MustStepDown());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(clock.MustStepDown());

        // At that moment the lease still has the margin left in Redis: nobody else can hold it yet.
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMilliseconds(500), clock.LeaseExpiresAt());
    }

    [Fact]
    public void TheDeadline_CountsFromWhenTheLastSuccessfulRenewalWasSent_NotWhenItsAnswerCame()
    {
        var time = new FakeTimeProvider();
        var clock = new LeaseClock(time, Options, time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(400));
        var sent = time.GetTimestamp();

        // The answer takes 900 ms to arrive: the lease was extended from (no earlier than) the send.
        time.Advance(TimeSpan.FromMilliseconds(900));
        clock.Renewed(sent);

        Assert.Equal(TimeSpan.FromMilliseconds(600), clock.UntilDeadline());
        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.True(clock.MustStepDown());
    }

    [Fact]
    public void ALateAnswerToAnOlderRenewal_NeverMovesTheClockBack()
    {
        var time = new FakeTimeProvider();
        var clock = new LeaseClock(time, Options, time.GetTimestamp());
        var older = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(500));
        clock.Renewed(time.GetTimestamp());

        clock.Renewed(older);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), clock.UntilDeadline());
    }

    [Fact]
    public void TheNextRenewal_IsDueAnIntervalAfterTheLastSuccess_AndNeverPastTheDeadline()
    {
        var time = new FakeTimeProvider();
        var clock = new LeaseClock(time, Options, time.GetTimestamp());
        Assert.Equal(TimeSpan.FromMilliseconds(400), clock.UntilNextRenewal());

        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromMilliseconds(100), clock.UntilNextRenewal());

        // Overdue (renewals failed): due now.
        time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(TimeSpan.Zero, clock.UntilNextRenewal());

        var tight = new LeaseClock(time, new LeadershipOptions { RenewInterval = TimeSpan.FromSeconds(1), RenewDeadline = TimeSpan.FromMilliseconds(700) }, time.GetTimestamp());
        Assert.Equal(TimeSpan.FromMilliseconds(700), tight.UntilNextRenewal());
    }
}
