using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator;

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

var app = builder.Build();

app.MapGet("/", (IOptions<SimulatorOptions> options) => TypedResults.Ok(new
{
    name = "RunnerHub GitHub simulator",
    webhookUrl = options.Value.WebhookUrl,
}));
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "Healthy" }));
app.MapGet("/health/ready", () => TypedResults.Ok(new { status = "Healthy" }));

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
