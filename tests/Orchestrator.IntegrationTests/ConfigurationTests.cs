using System.Diagnostics;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Start_ExitsWithCode2AndListsEveryProblem_WhenConfigurationIsInvalid()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Node__Id"] = "Not A Valid Id";
        start.Environment["Redis__Sentinels"] = "nohostport";
        start.Environment["Postgres__ConnectionString"] = "";
        start.Environment["Operator__Token"] = "too-short";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        var errors = await stderr;
        Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}\nstderr:\n{errors}\nstdout:\n{await stdout}");
        Assert.Contains("configuration is invalid", errors, StringComparison.Ordinal);
        Assert.Contains("Node:Id 'Not A Valid Id'", errors, StringComparison.Ordinal);
        Assert.Contains("Redis:Sentinels entry 'nohostport'", errors, StringComparison.Ordinal);
        Assert.Contains("Postgres:ConnectionString is required", errors, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Secret is required", errors, StringComparison.Ordinal);
        // The break-glass token is optional, but too short when set.
        Assert.Contains("Operator:Token (the optional break-glass token) must be at least 16 characters", errors, StringComparison.Ordinal);
    }
}
