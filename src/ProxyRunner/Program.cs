using RunnerHub.ProxyRunner.Connection;
using RunnerHub.ProxyRunner.Execution;
using RunnerHub.ProxyRunner.Registration;
using RunnerHub.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("runnerhub-proxy-runner");
builder.Services.AddRegistration();
builder.Services.AddExecution();
builder.Services.AddConnection();

var app = builder.Build();

app.MapDefaultEndpoints();

return await app.RunOrReportConfigurationErrorsAsync();
