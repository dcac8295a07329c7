using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RunnerHub.GitHubSimulator.Payloads;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>Answers in api.github.com's JSON (snake_case), including its error shape.</summary>
internal static class ApiResults
{
    private const string Docs = "https://docs.github.com/rest";

    public static JsonHttpResult<T> Json<T>(T value, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(value, GitHubJson.Options, statusCode: status);

    public static JsonHttpResult<GitHubError> Error(int status, string message, string documentation = Docs) =>
        Json(new GitHubError(message, documentation, status.ToString(CultureInfo.InvariantCulture)), status);

    public static JsonHttpResult<GitHubError> NotFound(string documentation = Docs) => Error(StatusCodes.Status404NotFound, "Not Found", documentation);
}
