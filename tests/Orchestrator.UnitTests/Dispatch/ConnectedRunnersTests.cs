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
