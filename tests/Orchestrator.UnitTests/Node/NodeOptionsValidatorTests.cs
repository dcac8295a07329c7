using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.UnitTests.Node;

public class NodeOptionsValidatorTests
{
    [Theory]
    [InlineData("orchestrator-1", true)]
    [InlineData("n1", true)]
    [InlineData("", false)]
    [InlineData("Orchestrator-1", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("has space", false)]
    public void Validate_ChecksNodeId(string id, bool valid)
    {
        var result = new NodeOptionsValidator().Validate(null, new NodeOptions { Id = id });

        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var result = new NodeOptionsValidator().Validate(null, new NodeOptions
        {
            Id = "",
            AdvertisedUrl = "not a url",
            HeartbeatInterval = TimeSpan.FromHours(1),
        });

        Assert.Equal(3, result.Failures!.Count());
    }
}
