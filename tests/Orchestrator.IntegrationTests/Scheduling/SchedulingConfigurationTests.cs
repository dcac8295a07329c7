using System.Diagnostics;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Scheduling;

public sealed class SchedulingConfigurationTests
{
    [Fact]
    public async Task Start_ExitsWithCode2AndListsEveryRetentionAndSchedulingProblem()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Node__Id"] = "retention-config";
        start.Environment["Redis__Sentinels"] = "127.0.0.1:1";
        start.Environment["Postgres__ConnectionString"] = "Host=127.0.0.1;Port=1;Database=runnerhub";
        start.Environment["Webhooks__Secret"] = "a-webhook-secret-for-the-test";
        start.Environment["Operator__Token"] = "an-operator-token-for-the-test";
        start.Environment["GitHub__Token"] = "test-token";
        start.Environment["Retention__Deliveries"] = "01:00:00";
        start.Environment["Retention__Cron"] = "every hour";
        start.Environment["Scheduling__Workers"] = "0";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        var errors = await stderr;
        Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}\nstderr:\n{errors}\nstdout:\n{await stdout}");
        Assert.Contains("configuration is invalid", errors, StringComparison.Ordinal);
        Assert.Contains("Retention:Deliveries 01:00:00 must be between 3 days", errors, StringComparison.Ordinal);
        Assert.Contains("Retention:Cron 'every hour' is not a cron expression Hangfire accepts", errors, StringComparison.Ordinal);
        Assert.Contains("Scheduling:Workers 0 must be between 1 and 100", errors, StringComparison.Ordinal);
    }
}
