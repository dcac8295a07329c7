using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Payloads;
using RunnerHub.GitHubSimulator.Runners;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>
/// Self-hosted runner calls, for a repository (<c>/repos/{owner}/{repo}/actions/runners…</c>)
/// and an organization (<c>/orgs/{org}/actions/runners…</c>): generate-jitconfig, list, get, delete.
/// </summary>
internal static class RunnerApiEndpoints
{
    private const string JitDocs = "https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-a-repository";
    private const string RunnerDocs = "https://docs.github.com/rest/actions/self-hosted-runners";

    public static RouteGroupBuilder MapRunnerApi(this RouteGroupBuilder api)
    {
        MapScope(api, "/repos/{owner}/{repo}/actions/runners", ctx => RepositoryScope(ctx));
        MapScope(api, "/orgs/{org}/actions/runners", ctx => RunnerScope.ForOrganization((string)ctx.Request.RouteValues["org"]!));
        return api;
    }

    internal static async Task<Results<JsonHttpResult<JitConfigResponse>, JsonHttpResult<GitHubError>>> GenerateJitConfigAsync(
        RunnerScope? scope, HttpRequest request, RunnerRegistry runners, ILogger logger, CancellationToken cancellationToken)
    {
        if (scope is null)
        {
            return ApiResults.NotFound(JitDocs);
        }

        JitConfigRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JitConfigRequest>(request.Body, GitHubJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Problems parsing JSON", JitDocs);
        }

        if (body.Problem() is { } problem)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, problem, JitDocs);
        }

        var labels = body.Labels!.Select(l => l!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var (runner, jitConfig) = runners.Register(scope, body.Name!, labels, body.WorkFolder ?? "_work");
        if (runner is null)
        {
            Log.RunnerNameTaken(logger, scope.ToString(), body.Name!);
            return ApiResults.Error(StatusCodes.Status409Conflict, $"Already exists - A runner with the name {body.Name} already exists.", JitDocs);
        }

        Log.RunnerRegistered(logger, runner.Name, runner.Id, scope.ToString(), string.Join(',', runner.Labels));
        return ApiResults.Json(new JitConfigResponse(RunnerView.From(runner), jitConfig!), StatusCodes.Status201Created);
    }

    internal static Results<JsonHttpResult<RunnerListView>, JsonHttpResult<GitHubError>> List(RunnerScope? scope, int? perPage, int? page, RunnerRegistry runners)
    {
        if (scope is null)
        {
            return ApiResults.NotFound(RunnerDocs);
        }

        var all = runners.List(scope);
        var size = Math.Clamp(perPage ?? 30, 1, 100);
        var skip = (Math.Max(page ?? 1, 1) - 1) * size;
        return ApiResults.Json(new RunnerListView(all.Count, [.. all.Skip(skip).Take(size).Select(RunnerView.From)]));
    }

    internal static Results<JsonHttpResult<RunnerView>, JsonHttpResult<GitHubError>> Get(RunnerScope? scope, long runnerId, RunnerRegistry runners) =>
        scope is not null && runners.Get(scope, runnerId) is { } runner ? ApiResults.Json(RunnerView.From(runner)) : ApiResults.NotFound(RunnerDocs);

    internal static Results<NoContent, JsonHttpResult<GitHubError>> Delete(RunnerScope? scope, long runnerId, RunnerRegistry runners, ILogger logger)
    {
        var (found, busy) = scope is null ? (false, false) : runners.Delete(scope, runnerId);
        if (!found)
        {
            return ApiResults.NotFound(RunnerDocs);
        }

        if (busy)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, $"Bad request - Runner {runnerId} is still running a job.", RunnerDocs);
        }

        Log.RunnerDeleted(logger, runnerId, scope!.ToString());
        return TypedResults.NoContent();
    }

    private static void MapScope(RouteGroupBuilder api, string prefix, Func<HttpContext, RunnerScope?> scopeOf)
    {
        api.MapPost(prefix + "/generate-jitconfig", (HttpContext ctx, RunnerRegistry runners, ILogger<RunnerRegistry> logger) =>
            GenerateJitConfigAsync(scopeOf(ctx), ctx.Request, runners, logger, ctx.RequestAborted));
        api.MapGet(prefix, (HttpContext ctx, [FromQuery(Name = "per_page")] int? perPage, [FromQuery] int? page, RunnerRegistry runners) =>
            List(scopeOf(ctx), perPage, page, runners));
        api.MapGet(prefix + "/{runnerId:long}", (HttpContext ctx, long runnerId, RunnerRegistry runners) => Get(scopeOf(ctx), runnerId, runners));
        api.MapDelete(prefix + "/{runnerId:long}", (HttpContext ctx, long runnerId, RunnerRegistry runners, ILogger<RunnerRegistry> logger) =>
            Delete(scopeOf(ctx), runnerId, runners, logger));
    }

    private static RunnerScope? RepositoryScope(HttpContext ctx)
    {
        var owner = (string)ctx.Request.RouteValues["owner"]!;
        var repo = (string)ctx.Request.RouteValues["repo"]!;
        return RepositoryName.TryParse($"{owner}/{repo}", out _) ? RunnerScope.ForRepository(owner, repo) : null;
    }
}
