using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.UnitTests.Dispatch;

public class OrphanedProcessTests
{
    [Theory]
    [InlineData(null, null, null, null, "the job is not known (removed)")]
    [InlineData("completed", 1, "cancelled", null, "the job completed (cancelled)")]
    [InlineData("dead", 3, null, "no runner confirmed the job after 3 dispatch attempt(s)", "the job is dead: no runner confirmed the job after 3 dispatch attempt(s)")]
    [InlineData("dispatched", 2, null, null, "the job moved on to dispatch attempt 2")]
    [InlineData("queued", 1, null, null, "its dispatch was released and the job is queued again")]
    [InlineData("queued", 2, null, null, "the job moved on to dispatch attempt 2")]
    [InlineData("in_progress", 1, null, null, "the job's dispatch belongs to another runner process")]
    public void Reason_SaysWhyTheProcessShouldNotRun(string? state, int? jobAttempt, string? conclusion, string? deadReason, string expected)
    {
        var orphan = new OrphanedProcess(7, 1, state, jobAttempt, conclusion, deadReason);

        Assert.Equal(expected, orphan.Reason);
    }
}
