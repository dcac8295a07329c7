using Microsoft.AspNetCore.Http.HttpResults;

namespace RunnerHub.GitHubSimulator.Faults;

/// <summary><c>GET|PUT|DELETE /_simulator/faults</c>: read, replace or clear the fault switches.</summary>
internal static class FaultEndpoints
{
    public static WebApplication MapFaults(this WebApplication app)
    {
        var faults = app.MapGroup("/_simulator/faults");
        faults.MapGet("", (FaultState state) => TypedResults.Ok(state.Current));
        faults.MapPut("", Put);
        faults.MapDelete("", Clear);
        return app;
    }

    internal static Results<Ok<FaultSettings>, ValidationProblem> Put(FaultSettings settings, FaultState state, ILogger<FaultState> logger)
    {
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The fault switches are invalid; nothing changed.");
        }

        state.Replace(settings);
        Log.FaultsSet(logger, settings.DropRate, settings.DuplicateRate, settings.DelayMs, settings.Reorder,
            settings.RunnerNeverGetsJob, settings.RunnerStartMs, settings.ApiFailureRate, settings.ApiLostReplyRate, settings.RateLimited, settings.Seed);
        return TypedResults.Ok(settings);
    }

    internal static Ok<FaultSettings> Clear(FaultState state, ILogger<FaultState> logger)
    {
        state.Reset();
        Log.FaultsCleared(logger);
        return TypedResults.Ok(state.Current);
    }
}
