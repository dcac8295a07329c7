using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RunnerHub.ProxyRunner.Execution;
using RunnerHub.ProxyRunner.Registration;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

public class ExecutionServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddExecution_BindsTheExecutionSection_AndDefaultsTheLogDirectoryIntoTheStateDirectory()
    {
        // A host disposes its container asynchronously; the executor only implements IAsyncDisposable.
        await using var provider = Build(new()
        {
            ["Runner:StateDirectory"] = "/var/lib/runnerhub",
            ["Runner:Slots"] = "3",
            ["Execution:Command"] = "docker run --rm img ./run.sh --jitconfig {jitConfig}",
            ["Execution:KillTimeout"] = "00:00:02",
            ["Execution:Environment:RUNNER_ALLOW_RUNASROOT"] = "1",
        });

        var options = provider.GetRequiredService<IOptions<ExecutionOptions>>().Value;
        var executor = Assert.IsType<JobExecutor>(provider.GetRequiredService<IJobExecutor>());

        Assert.Equal(TimeSpan.FromSeconds(2), options.KillTimeout);
        Assert.Equal("1", options.Environment["RUNNER_ALLOW_RUNASROOT"]);
        Assert.Equal("/var/lib/runnerhub/jobs", executor.LogDirectory);
        Assert.Equal("/var/lib/runnerhub/running", executor.StateFileDirectory);
        Assert.Equal(3, executor.Slots);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is ExecutionLifetime);
    }

    [Fact]
    public async Task AddExecution_ValidatesTheSection()
    {
        await using var provider = Build(new() { ["Execution:Command"] = "run.sh", ["Execution:KillTimeout"] = "-00:00:01" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExecutionOptions>>().Value);

        Assert.Equal(2, failure.Failures.Count());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddOptions<RunnerOptions>().BindConfiguration(RunnerOptions.SectionName);
        services.AddExecution();
        return services.BuildServiceProvider();
    }
}
