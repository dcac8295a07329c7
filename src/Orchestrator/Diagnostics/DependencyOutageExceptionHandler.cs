using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Diagnostics;

/// <summary>
/// Turns an outage of PostgreSQL or Redis that outlived its retries into 503 with
/// <c>Retry-After</c> and a problem body, instead of a 500: the caller (GitHub, HAProxy, an
/// operator) learns that trying again later is the right move.
/// </summary>
internal sealed partial class DependencyOutageExceptionHandler(IProblemDetailsService problems, ILogger<DependencyOutageExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var dependency = exception switch
        {
            _ when PostgresErrors.IsOutage(exception) => "PostgreSQL",
            _ when RedisErrors.IsOutage(exception) => "Redis",
            _ => null,
        };
        if (dependency is null)
        {
            return false;
        }

        LogOutage(logger, dependency, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = $"{dependency} is unavailable",
                Detail = $"{dependency} could not be reached in time; nothing was changed. Retry later.",
            },
        });
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "{Dependency} unavailable while serving {Method} {Path}: {Reason}; answered 503")]
    private static partial void LogOutage(ILogger logger, string dependency, string method, string path, string reason);
}
