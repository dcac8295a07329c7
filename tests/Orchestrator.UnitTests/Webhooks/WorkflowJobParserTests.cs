using System.Text;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Webhooks;

namespace RunnerHub.Orchestrator.UnitTests.Webhooks;

public class WorkflowJobParserTests
{
    [Theory]
    [InlineData("workflow_job/queued.payload.json", "queued")]
    [InlineData("workflow_job/waiting.payload.json", "waiting")]
    [InlineData("workflow_job/in_progress.payload.json", "in_progress")]
    [InlineData("workflow_job/completed.success.with-organization.payload.json", "completed")]
    [InlineData("workflow_job/completed.failure.with-organization.payload.json", "completed")]
    public void Parse_ReadsRealGitHubPayloads(string file, string expected)
    {
        var result = WorkflowJobParser.Parse("d-1", SharedPayloads.Read(file));

        Assert.Empty(result.Errors);
        var e = Assert.IsType<WorkflowJobEvent>(result.Event);
        Assert.Equal(JobStates.FromColumn(expected), e.State);
        Assert.True(e.JobId > 0);
        Assert.True(e.RunId > 0);
        Assert.Contains('/', e.Repository);
        Assert.NotEmpty(e.Labels.Labels);
    }

    [Fact]
    public void Parse_TakesTheFieldsRunnerHubStores()
    {
        var e = WorkflowJobParser.Parse("d-2", SharedPayloads.Read("workflow_job/completed.success.with-organization.payload.json")).Event!;

        Assert.Equal("completed", e.Action);
        Assert.Equal("success", e.Conclusion);
        Assert.Equal("GitHub Actions 5", e.RunnerName);
        Assert.NotNull(e.CompletedAt);
    }

    [Fact]
    public void Parse_NormalisesLabels()
    {
        var body = Payload("queued", """["Self-Hosted","linux","X64","linux"]""");

        var e = WorkflowJobParser.Parse("d", body).Event!;

        Assert.Equal("linux,self-hosted,x64", e.Labels.ToString());
    }

    [Fact]
    public void Parse_ListsEveryMissingField()
    {
        var result = WorkflowJobParser.Parse("d", Encoding.UTF8.GetBytes("""{"action":"queued","workflow_job":{"labels":[]},"repository":{}}"""));

        Assert.Null(result.Event);
        Assert.Contains(result.Errors, e => e.Contains("workflow_job.id", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("workflow_job.run_id", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("workflow_job.labels", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("repository.full_name", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    [InlineData("""{"workflow_job":{}}""")]
    [InlineData("""{"action":"queued","workflow_job":{"id":"not a number"}}""")]
    public void Parse_Fails_ForBrokenBodies(string body)
    {
        var result = WorkflowJobParser.Parse("d", Encoding.UTF8.GetBytes(body));

        Assert.Null(result.Event);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Parse_IgnoresActionsRunnerHubDoesNotHandle()
    {
        var result = WorkflowJobParser.Parse("d", Payload("requested_action", """["self-hosted"]"""));

        Assert.Null(result.Event);
        Assert.Empty(result.Errors);
        Assert.Equal("requested_action", result.IgnoredAction);
    }

    internal static byte[] Payload(string action, string labelsJson, long id = 42) => Encoding.UTF8.GetBytes(
        $$"""
        {"action":"{{action}}","workflow_job":{"id":{{id}},"run_id":7,"run_attempt":1,"status":"{{action}}","labels":{{labelsJson}},"name":"build"},
         "repository":{"full_name":"octo-org/octo-repo","owner":{"login":"octo-org"} } }
        """);
}
