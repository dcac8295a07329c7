using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator;
using RunnerHub.GitHubSimulator.Control;
using RunnerHub.GitHubSimulator.Faults;
using RunnerHub.GitHubSimulator.GitHubApi;
using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Runners;
using RunnerHub.GitHubSimulator.Summary;
using RunnerHub.GitHubSimulator.Webhooks;

// A stand-in for GitHub, which these machines cannot reach. It shares no code with the
// orchestrator on purpose: if it did, it would agree with the orchestrator's bugs.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    o.UseUtcTimestamp = true;
});
builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateOnStart();
builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>());
builder.Services.AddProblemDetails();
builder.Services.AddFaults();
builder.Services.AddJobs();
builder.Services.AddWebhooks();
builder.Services.AddRunners();
builder.Services.AddGitHubApi();

var app = builder.Build();

app.MapIndex();
app.MapState();
app.MapFaults();
app.MapJobs();
app.MapWebhooks();
app.MapRunners();
app.MapSummary();
app.MapGitHubApi();

try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("github-simulator: configuration is invalid, refusing to start:");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 2;
}

/// <summary>The simulator's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
