using RunnerHub.ProxyRunner.Execution;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

public class CommandTemplateTests
{
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["runnerDirectory"] = "/opt/actions runner",
        ["jitConfig"] = "x; rm -rf / $(id) `id` \"q\" 'q' {jobId}",
        ["jobId"] = "42",
        ["attempt"] = "2",
        ["runnerName"] = "rh-42-2",
    };

    [Fact]
    public void Render_KeepsEachValueOneArgument_AsGiven()
    {
        var argv = CommandTemplate.Parse(ExecutionOptions.DefaultCommand).Render(Values);

        Assert.Equal(["/opt/actions runner/run.sh", "--jitconfig", Values["jitConfig"]], argv);
    }

    [Fact]
    public void Parse_SplitsOnWhitespace_WithQuotesAndEscapes()
    {
        var template = CommandTemplate.Parse("docker  run\t'--label=a b' \"--env=X=\\\"y\\\" \\\\\" a\\ b '' --jitconfig={jitConfig}");

        Assert.Equal(["docker", "run", "--label=a b", "--env=X=\"y\" \\", "a b", "", "--jitconfig={jitConfig}"], template.Arguments);
    }

    [Fact]
    public void Render_FillsPlaceholdersInsideArguments_AndKeepsOtherBraces()
    {
        var argv = CommandTemplate.Parse("run --name={runnerName}-{attempt} --format '{{.ID}}' { } {jitConfig}").Render(Values);

        Assert.Equal(["run", "--name=rh-42-2-2", "--format", "{{.ID}}", "{", "}", Values["jitConfig"]], argv);
    }

    [Fact]
    public void Render_NeverExpandsPlaceholdersInsideValues()
    {
        var argv = CommandTemplate.Parse("run {jitConfig}").Render(Values);

        Assert.EndsWith("{jobId}", argv[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "it is empty.")]
    [InlineData("   ", "it is empty.")]
    [InlineData("run.sh \"{jitConfig}", "never closed")]
    [InlineData("run.sh {jitconfig}", "{jitconfig} is not a known placeholder")]
    [InlineData("run.sh --jitconfig x", "must pass {jitConfig}")]
    [InlineData("/bin/{jitConfig}", "must not be part of the program name")]
    public void TryParse_Fails_WithAReason(string template, string reason)
    {
        Assert.False(CommandTemplate.TryParse(template, out _, out var errors));
        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }
}
