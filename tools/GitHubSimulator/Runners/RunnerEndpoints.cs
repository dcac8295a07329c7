using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace RunnerHub.GitHubSimulator.Runners;

/// <summary><c>POST /_simulator/runner/run</c>: what <c>run.sh --jitconfig …</c> calls; answers when the runner process would exit.</summary>
internal static class RunnerEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(24);

    public static WebApplication MapRunners(this WebApplication app)
    {
        app.MapPost("/_simulator/runner/run", RunAsync);
        return app;
    }

    internal static async Task<Results<Ok<RunResult>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RunAsync(
        RunRequest request, RunnerRegistry runners, RunnerPlayer player, IOptions<SimulatorOptions> options, HttpContext context)
    {
        if (!JitConfig.TryDecode(request.Jitconfig, out var runnerId, out var secret))
        {
            return TypedResults.BadRequest(Problem(StatusCodes.Status400BadRequest, "jitconfig is missing or is not a JIT config this simulator issued."));
        }

        if (request.WaitMs is < 0 || (request.WaitMs is { } ms && TimeSpan.FromMilliseconds(ms) > MaxWait))
        {
            return TypedResults.BadRequest(Problem(StatusCodes.Status400BadRequest, "waitMs must be between 0 and 86400000."));
        }

        var (runner, problem) = runners.Start(runnerId, secret);
        switch (problem)
        {
            case RunnerStartProblem.Unknown:
                return TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "No registered runner has this JIT config (deleted, reset, or never issued here)."));
            case RunnerStartProblem.AlreadyUsed:
                return TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, $"The JIT config of runner {runner!.Name} was used already; a JIT config starts one runner once."));
        }

        var wait = request.WaitMs is { } waitMs ? TimeSpan.FromMilliseconds(waitMs) : options.Value.RunnerJobWait;
        return TypedResults.Ok(await player.RunAsync(runner!, wait, context.RequestAborted));
    }

    private static ProblemDetails Problem(int status, string title) => new() { Status = status, Title = title };
}
