using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.GitHubSimulator.Faults;
using RunnerHub.GitHubSimulator.GitHubApi;
using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Runners;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Control;

/// <summary><c>DELETE /_simulator/state</c>: start over (installation tokens issued so far are forgotten too). Ids keep counting up, so an orchestrator never sees an id twice.</summary>
internal static class StateEndpoints
{
    public static WebApplication MapState(this WebApplication app)
    {
        app.MapDelete("/_simulator/state", Reset);
        return app;
    }

    internal static Ok<ResetView> Reset(
        BatchRunner batches, DeliveryLog deliveries, JobStore jobs, RunnerRegistry runners, ApiRateLimit rateLimit, InstallationTokens tokens, FaultState faults, ILogger<ResetView> logger)
    {
        var forgotten = new ResetView(jobs.Count, deliveries.All().Count, runners.Count);
        // Stop creating first, then discard what is on its way, then forget.
        batches.Reset();
        deliveries.Reset();
        jobs.Reset();
        runners.Reset();
        rateLimit.Reset();
        tokens.Reset();
        faults.Reset();
        Log.StateReset(logger, forgotten.Jobs, forgotten.Deliveries, forgotten.Runners);
        return TypedResults.Ok(forgotten);
    }
}
