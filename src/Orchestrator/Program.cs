using RunnerHub.Orchestrator.Diagnostics;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Health;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Node;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Scheduling;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Orchestrator.Webhooks;
using RunnerHub.ServiceDefaults;

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
builder.Services.AddRunners();
builder.Services.AddGitHub();
builder.Services.AddDispatch();
builder.Services.AddJobRecheck();
builder.Services.AddScheduling();

var app = builder.Build();

app.UseExceptionHandler();
app.UseRunnerHubDrain();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOrchestratorHealth();
app.MapWebhooks();
app.MapRunners();
app.MapQueueEndpoints();
app.MapLeadership();
app.MapScheduling();

return await app.RunOrReportConfigurationErrorsAsync();

/// <summary>The orchestrator's entry point; public so integration tests can host it.</summary>
public partial class Program;
