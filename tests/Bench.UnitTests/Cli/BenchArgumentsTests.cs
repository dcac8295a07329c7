using RunnerHub.Bench.Cli;

namespace RunnerHub.Bench.UnitTests.Cli;

public sealed class BenchArgumentsTests
{
    [Fact]
    public void Parse_ReadsValuesInBothForms_AndLists()
    {
        var args = BenchArguments.Parse(["--rates", "50,200,500", "--duration=20", "--simulator", "http://127.0.0.1:9000"]);

        Assert.Equal([50, 200, 500], args.Doubles("rates", [], 1, 1000));
        Assert.Equal(20, args.Double("duration", 1, 1, 60));
        Assert.Equal(new Uri("http://127.0.0.1:9000"), args.Url("simulator"));
        args.RejectUnknown();
        Assert.Empty(args.Problems);
    }

    [Fact]
    public void Problems_ListsEveryMistakeAtOnce()
    {
        var args = BenchArguments.Parse(["--rate", "abc", "--typo", "1", "--simulator", "not a url", "--flag"]);

        args.Double("rate", 50, 1, 1000);
        args.Url("simulator");
        args.Required("postgres");
        args.RejectUnknown();

        Assert.Equal(
            ["--flag needs a value", "--rate: 'abc' is not a number from 1 to 1000", "--simulator: 'not a url' is not an http(s) URL", "--postgres is required", "unknown option --typo"],
            args.Problems);
    }

    [Fact]
    public void SecretFile_ReadsTheFirstLine_AndNeverTakesTheSecretFromTheCommandLine()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "s3cret\nignored\n");
            var args = BenchArguments.Parse(["--postgres-password-file", path]);

            Assert.Equal("s3cret", args.SecretFile("postgres-password-file", required: true));
            Assert.Empty(args.Problems);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
