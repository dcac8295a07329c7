using RunnerHub.Orchestrator.Dashboard;
using RunnerHub.Orchestrator.Diagnostics;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Health;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Scheduling;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Orchestrator.Webhooks;
using RunnerHub.ServiceDefaults;

if (OperatorTokenCommand.IsInvocation(args))
{
    return await OperatorTokenCommand.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("runnerhub-orchestrator");
builder.Services.AddDiagnostics();
builder.Services.AddNode();
builder.Services.AddPostgresStorage();
builder.Services.AddRedisStorage();
builder.Services.AddLeadership();
builder.Services.AddMonitoring();
builder.Services.AddOrchestratorHealth();
builder.Services.AddWebhooks();
builder.Services.AddOperators();
builder.Services.AddRunners();
builder.Services.AddGitHub();
builder.Services.AddDispatch();
builder.Services.AddJobRecheck();
builder.Services.AddScheduling();
builder.Services.AddDashboard();
builder.Services.WithoutKeyRingPreload();

var app = builder.Build();

app.UseExceptionHandler();
app.UseRunnerHubDrain();
app.UseAuthentication();
app.UseAuthorization();
// After authorization: the fallback (operator) policy covers the dashboard's files.
app.UseDefaultFiles();
app.UseStaticFiles(new StaticFileOptions
{
    // The page and its scripts are checked on every load (304 when unchanged): a copy cached
    // before a logout or an upgrade would otherwise run against a server that has moved on.
    OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
});
app.MapDefaultEndpoints();
app.MapOrchestratorHealth();
app.MapWebhooks();
app.MapRunners();
app.MapQueueEndpoints();
app.MapLeadership();
app.MapScheduling();
app.MapOperatorLogin();
app.MapDashboard();

return await app.RunOrReportConfigurationErrorsAsync();

/// <summary>The orchestrator's entry point; public so integration tests can host it.</summary>
public partial class Program;
