using System.Globalization;
using RunnerHub.GitHubSimulator.Faults;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>
/// In front of every GitHub API endpoint, in GitHub's order: authentication (401, not counted),
/// the primary rate limit (403 when spent), then the fault switches (rate limited, failure, lost
/// reply). Every answer carries the <c>x-ratelimit-*</c> headers.
/// </summary>
internal sealed class ApiGateFilter(
    ApiRateLimit rateLimit, FaultState faults, AppJwtVerifier jwt, InstallationTokens tokens, ILogger<ApiGateFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var appJwt = http.GetEndpoint()?.Metadata.GetMetadata<RequiresAppJwt>() is not null;
        var (credential, authProblem) = Authenticate(http.Request.Headers.Authorization.ToString(), appJwt ? jwt : null);
        var limit = rateLimit.Consume(count: authProblem is null);
        WriteHeaders(http.Response, limit);
        if (authProblem is not null)
        {
            Log.Unauthenticated(logger, http.Request.Method, http.Request.Path, authProblem);
            return ApiResults.Error(StatusCodes.Status401Unauthorized, authProblem);
        }

        if (!appJwt)
        {
            tokens.RecordUse(credential);
        }

        if (limit.Exceeded)
        {
            Log.RateLimited(logger, http.Request.Method, http.Request.Path, StatusCodes.Status403Forbidden, "primary limit spent");
            return ApiResults.Error(StatusCodes.Status403Forbidden, "API rate limit exceeded for installation. Wait for the x-ratelimit-reset time.",
                "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api");
        }

        switch (faults.DecideApiCall())
        {
            case ApiFault.RateLimited:
                var settings = faults.Current;
                http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                Log.RateLimited(logger, http.Request.Method, http.Request.Path, settings.RateLimitStatus, "rateLimited switch");
                return ApiResults.Error(settings.RateLimitStatus, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits");
            case ApiFault.Fail:
                Log.InjectedFailure(logger, http.Request.Method, http.Request.Path, "not done");
                return ApiResults.Error(StatusCodes.Status502BadGateway, "Server Error");
            case ApiFault.LoseReply:
                // The work is done (and stays done); only the answer is lost.
                await next(context);
                Log.InjectedFailure(logger, http.Request.Method, http.Request.Path, "done, reply lost");
                return ApiResults.Error(StatusCodes.Status502BadGateway, "Server Error");
            default:
                return await next(context);
        }
    }

    /// <summary>
    /// The credential, and null when it authenticates; else GitHub's message. Any token is
    /// accepted (the simulator does not know RunnerHub's); an App JWT goes to <paramref name="appJwt"/>.
    /// </summary>
    internal static (string Credential, string? Problem) Authenticate(string authorization, AppJwtVerifier? appJwt)
    {
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? authorization[..space] : authorization;
        var credential = space > 0 ? authorization[(space + 1)..].Trim() : "";
        var bearer = scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
        if (appJwt is not null)
        {
            return !bearer
                ? (credential, "A JSON web token could not be decoded. Authenticate as the GitHub App with 'Authorization: Bearer <JWT>'.")
                : (credential, appJwt.Problem(credential));
        }

        return (bearer || scheme.Equals("token", StringComparison.OrdinalIgnoreCase)) && credential.Length > 0
            ? (credential, null)
            : (credential, "Requires authentication");
    }

    private static void WriteHeaders(HttpResponse response, RateLimitSnapshot limit)
    {
        var headers = response.Headers;
        headers["x-ratelimit-limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining"] = limit.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset"] = limit.ResetEpochSeconds.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-used"] = limit.Used.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-resource"] = "core";
        headers["x-github-media-type"] = "github.v3; format=json";
        headers["x-github-request-id"] = Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
    }
}
