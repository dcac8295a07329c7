namespace RunnerHub.Contracts.UnitTests;

public class LabelSetTests
{
    [Fact]
    public void Parse_NormalisesCaseOrderSpacesAndDuplicates()
    {
        var set = LabelSet.Parse(" Linux,self-hosted ,X64,linux,,");

        Assert.Equal(["linux", "self-hosted", "x64"], set.Labels);
        Assert.Equal("linux,self-hosted,x64", set.ToString());
    }

    [Fact]
    public void Equals_IgnoresOrderAndCase()
    {
        Assert.Equal(LabelSet.Parse("self-hosted,GPU"), LabelSet.From(["gpu", "Self-Hosted"]));
        Assert.NotEqual(LabelSet.Parse("self-hosted"), LabelSet.Parse("self-hosted,gpu"));
        Assert.Equal(LabelSet.Parse("a,b").GetHashCode(), LabelSet.Parse("B,A").GetHashCode());
    }

    [Theory]
    [InlineData("self-hosted,linux", "self-hosted,linux,x64", true)]
    [InlineData("SELF-HOSTED", "self-hosted,linux,x64", true)]
    [InlineData("self-hosted,gpu", "self-hosted,linux,x64", false)]
    [InlineData("self-hosted,linux,x64,gpu", "self-hosted,linux,x64", false)]
    public void IsSubsetOf_MatchesAJobToARunner(string job, string runner, bool expected)
    {
        Assert.Equal(expected, LabelSet.Parse(job).IsSubsetOf(LabelSet.Parse(runner)));
    }

    [Theory]
    [InlineData("", "at least one label")]
    [InlineData(" , ,", "at least one label")]
    [InlineData("ok,bad\u0001label", "control character")]
    public void TryParse_SaysWhy_ForBadInput(string input, string reason)
    {
        Assert.False(LabelSet.TryParse(input, out var set, out var error));

        Assert.Null(set);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFrom_RejectsTooManyLabels()
    {
        var labels = Enumerable.Range(0, LabelSet.MaxLabels + 1).Select(i => $"l{i}");

        Assert.False(LabelSet.TryFrom(labels, out _, out var error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
    }
}
