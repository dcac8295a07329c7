using Microsoft.Extensions.Options;
using RunnerHub.Contracts;

namespace RunnerHub.ProxyRunner.Registration;

/// <summary>Says at start-up who this runner is and what it offers, so the log shows it at a glance.</summary>
internal sealed partial class StartupAnnouncement(IOptions<RunnerOptions> options, ILogger<StartupAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var runner = options.Value;
        LogStarted(logger, runner.Name, LabelSet.Parse(runner.Labels).ToString(), runner.Slots, runner.OrchestratorUrl);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Proxy runner {Name} started: labels {Labels}, {Slots} slot(s), orchestrators at {OrchestratorUrl}")]
    private static partial void LogStarted(ILogger logger, string name, string labels, int slots, string orchestratorUrl);
}
