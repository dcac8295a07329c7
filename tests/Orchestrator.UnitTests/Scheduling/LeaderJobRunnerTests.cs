using Microsoft.Extensions.Logging.Abstractions;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Scheduling;

namespace RunnerHub.Orchestrator.UnitTests.Scheduling;

public sealed class LeaderJobRunnerTests
{
    [Fact]
    public async Task RunAsync_SkipsTheBody_WhenThisNodeDoesNotLead()
    {
        var ran = false;
        var runner = new LeaderJobRunner(new FakeLeadership(term: null), NullLogger<LeaderJobRunner>.Instance);

        await runner.RunAsync("job", (_, _) => { ran = true; return Task.CompletedTask; }, CancellationToken.None);

        Assert.False(ran);
    }

    [Fact]
    public async Task RunAsync_GivesTheBodyTheTermsToken_AndATokenThatFiresWhenTheTermEnds()
    {
        using var lost = new CancellationTokenSource();
        var runner = new LeaderJobRunner(new FakeLeadership(new LeadershipTerm(42, DateTimeOffset.UnixEpoch, lost.Token)), NullLogger<LeaderJobRunner>.Instance);
        long? token = null;
        var cancelledByTermEnd = false;

        await runner.RunAsync(
            "job",
            async (term, ct) =>
            {
                token = term.Token;
                await lost.CancelAsync();
                cancelledByTermEnd = ct.IsCancellationRequested;
                ct.ThrowIfCancellationRequested();
            },
            CancellationToken.None);

        // The term ended mid-run: the job ends quietly (a newer leader runs it), it does not fail.
        Assert.Equal(42, token);
        Assert.True(cancelledByTermEnd);
    }

    [Fact]
    public async Task RunAsync_EndsQuietly_WhenTheFenceRefusesAWrite()
    {
        var runner = new LeaderJobRunner(new FakeLeadership(new LeadershipTerm(7, DateTimeOffset.UnixEpoch, CancellationToken.None)), NullLogger<LeaderJobRunner>.Instance);

        await runner.RunAsync("job", (_, _) => throw new FencedOutException("refused"), CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_PassesAServerStopOn_SoHangfireRequeuesTheJob()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var runner = new LeaderJobRunner(new FakeLeadership(new LeadershipTerm(7, DateTimeOffset.UnixEpoch, CancellationToken.None)), NullLogger<LeaderJobRunner>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            runner.RunAsync("job", (_, ct) => Task.FromCanceled(ct), stopping.Token));
    }

    [Fact]
    public async Task RunAsync_LetsOtherFailuresThrough_SoHangfireRetries()
    {
        var runner = new LeaderJobRunner(new FakeLeadership(new LeadershipTerm(7, DateTimeOffset.UnixEpoch, CancellationToken.None)), NullLogger<LeaderJobRunner>.Instance);

        await Assert.ThrowsAsync<TimeoutException>(() => runner.RunAsync("job", (_, _) => throw new TimeoutException(), CancellationToken.None));
    }

    private sealed class FakeLeadership(LeadershipTerm? term) : ILeadershipState
    {
        public string NodeId => "node-a";

        public bool IsLeader => term is not null;

        public string? LeaderId => term is null ? "node-b" : NodeId;

        public long? FencingToken => term?.Token;

        public DateTimeOffset? LeaseExpiresAt => null;

        public LeadershipTerm? Term => term;

        public event EventHandler<LeadershipChangedEventArgs>? Changed
        {
            add { }
            remove { }
        }
    }
}
