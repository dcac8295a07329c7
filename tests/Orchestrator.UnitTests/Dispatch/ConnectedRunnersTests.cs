using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.UnitTests.Dispatch;

public class ConnectedRunnersTests
{
    private static readonly Guid Id = Guid.NewGuid();

    [Fact]
    public void TakeAndFreeSlot_StayWithinZeroAndTheRunnersSlots()
    {
        var runners = new ConnectedRunners();
        runners.Update(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 2, 1, false));

        runners.TakeSlot(Id);
        runners.TakeSlot(Id);
        Assert.Equal(0, runners.All.Single().FreeSlots);

        runners.FreeSlot(Id);
        runners.FreeSlot(Id);
        runners.FreeSlot(Id);
        Assert.Equal(2, runners.All.Single().FreeSlots);
    }

    [Fact]
    public void AHeartbeatSentBeforeAcknowledgedDispatches_DoesNotGiveTheirSlotsBack()
    {
        var runners = new ConnectedRunners();
        runners.Update(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 4, false, Acknowledged: 10));
        runners.TakeSlot(Id);
        runners.TakeSlot(Id);

        // Counted 10 started when it was sent: the two dispatches since still look free in it.
        runners.Report(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 4, false), accepted: 10);
        Assert.Equal((2, 12L), (runners.All.Single().FreeSlots, runners.All.Single().Acknowledged));

        // One started after it counted (its acknowledgement not in yet): its slot is already taken.
        runners.Report(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 1, false), accepted: 13);
        Assert.Equal(1, runners.All.Single().FreeSlots);

        // Everything seen and finished: all free again.
        runners.Report(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 4, false), accepted: 12);
        Assert.Equal(4, runners.All.Single().FreeSlots);
    }

    [Fact]
    public void AnExitReport_SetsTheFreeSlots_SoAHeartbeatThatShowedTheExitDoesNotCountItTwice()
    {
        var runners = new ConnectedRunners();
        runners.Update(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 0, false, Acknowledged: 4));

        // The job exited; a heartbeat sent just after shows its slot free, then the exit report arrives.
        runners.Report(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 1, false), accepted: 4);
        runners.ReportFreeSlots(Id, "c1", 1, accepted: 4);
        Assert.Equal(1, runners.All.Single().FreeSlots);

        // A dispatch acknowledged after the exit report was sent is still taken off; another connection's report is ignored.
        runners.TakeSlot(Id);
        runners.ReportFreeSlots(Id, "c1", 1, accepted: 4);
        runners.ReportFreeSlots(Id, "old", 4, accepted: 0);
        Assert.Equal(0, runners.All.Single().FreeSlots);
    }

    [Theory]
    [InlineData("c1", null)]
    [InlineData("c2", 10L)]
    public void AHeartbeatWithoutACount_OrFromANewConnection_IsTakenAsItIs(string connection, long? accepted)
    {
        var runners = new ConnectedRunners();
        runners.Update(new ConnectedRunner(Id, "r", "c1", LabelSet.Parse("self-hosted"), 4, 4, false, Acknowledged: 10));
        runners.TakeSlot(Id);
        runners.TakeSlot(Id);

        runners.Report(new ConnectedRunner(Id, "r", connection, LabelSet.Parse("self-hosted"), 4, 3, false), accepted);

        Assert.Equal((3, accepted), (runners.All.Single().FreeSlots, runners.All.Single().Acknowledged));
    }

    [Fact]
    public void Remove_IgnoresAStaleConnection_OfARunnerThatReconnected()
    {
        var runners = new ConnectedRunners();
        runners.Update(new ConnectedRunner(Id, "r", "old", LabelSet.Parse("self-hosted"), 1, 1, false));
        runners.Update(new ConnectedRunner(Id, "r", "new", LabelSet.Parse("self-hosted"), 1, 1, false));

        runners.Remove(Id, "old");
        Assert.Single(runners.All);

        runners.Remove(Id, "new");
        Assert.Empty(runners.All);
    }
}
