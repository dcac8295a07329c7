using RunnerHub.Orchestrator.Webhooks;

namespace RunnerHub.Orchestrator.UnitTests.Webhooks;

public class RepositoryAllowListTests
{
    [Fact]
    public void Allows_Everything_WhenEmpty()
    {
        Assert.True(RepositoryAllowList.Parse("").Allows("anyone", "anyone/anything"));
    }

    [Fact]
    public void Allows_OwnersAndSingleRepositories_CaseInsensitively()
    {
        var list = RepositoryAllowList.Parse("Octo-Org, other/one-repo");

        Assert.True(list.Allows("octo-org", "octo-org/whatever"));
        Assert.True(list.Allows("other", "Other/One-Repo"));
        Assert.False(list.Allows("other", "other/second-repo"));
        Assert.False(list.Allows("stranger", "stranger/repo"));
        Assert.Empty(list.Errors);
    }

    [Fact]
    public void Parse_ReportsMalformedEntries()
    {
        var list = RepositoryAllowList.Parse("a/b/c,/x,ok");

        Assert.Equal(2, list.Errors.Count);
    }

    [Fact]
    public void Validator_RequiresASecret_AndReportsEveryProblem()
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions
        {
            Secret = "",
            AllowedRepositories = "a/b/c",
            RequestTimeout = TimeSpan.FromSeconds(30),
            EnqueueTimeout = TimeSpan.FromSeconds(5),
        });

        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Webhooks:Secret is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Webhooks:EnqueueTimeout", StringComparison.Ordinal));
    }
}
