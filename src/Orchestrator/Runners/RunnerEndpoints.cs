using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Dashboard;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// Runner registration (open, token in the body) and the operator's runner API (operator token):
/// create registration tokens, list, drain, remove. Plus the SignalR hub.
/// </summary>
internal static class RunnerEndpoints
{
    public static WebApplication MapRunners(this WebApplication app)
    {
        var api = app.MapGroup("/api/runners").AddEndpointFilter<SchemaReadyFilter>();
        api.MapPost("/register", RegisterAsync).AllowAnonymous();

        var operatorApi = api.MapGroup("").RequireAuthorization(OperatorPolicy.Name);
        operatorApi.MapPost("/registration-tokens", CreateRegistrationTokenAsync);
        operatorApi.MapGet("/", ListAsync);
        operatorApi.MapPost("/{name}/drain", (string name, ClaimsPrincipal user, OperatorActions actions, CancellationToken ct) => AnswerAsync(actions.SetDrainingAsync(DashboardEndpoints.OperatorName(user), name, true, ct)));
        operatorApi.MapPost("/{name}/resume", (string name, ClaimsPrincipal user, OperatorActions actions, CancellationToken ct) => AnswerAsync(actions.SetDrainingAsync(DashboardEndpoints.OperatorName(user), name, false, ct)));
        operatorApi.MapDelete("/{name}", (string name, ClaimsPrincipal user, OperatorActions actions, CancellationToken ct) => AnswerAsync(actions.RemoveRunnerAsync(DashboardEndpoints.OperatorName(user), name, ct)));

        app.MapHub<RunnerHubService>(RunnerHubRoutes.Hub);
        return app;
    }

    /// <summary>Before authentication: a draining node answers runner connections 503 (see <see cref="RefuseWhileDrainingAsync"/>).</summary>
    public static WebApplication UseRunnerHubDrain(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(RunnerHubRoutes.Hub), hub => hub.Use(RefuseWhileDrainingAsync));
        return app;
    }

    /// <summary>
    /// A draining node takes no runner connections. On stop SignalR closes the runners'
    /// connections and they reconnect at once; HAProxy still has this node UP for a second and
    /// its source hash sends them straight back, and those late connections then held the
    /// shutdown for the host's whole 30 s timeout. A 503 here is retried by HAProxy on another
    /// node (retry-on, redispatch).
    /// </summary>
    internal static async Task RefuseWhileDrainingAsync(HttpContext context, RequestDelegate next)
    {
        if (context.RequestServices.GetRequiredService<DrainState>().IsDraining)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync("This node is draining: connect to another one.", context.RequestAborted);
            return;
        }

        await next(context);
    }

    internal static async Task<Results<Created<RegistrationTokenResponse>, ValidationProblem>> CreateRegistrationTokenAsync(
        CreateRegistrationTokenRequest? request, IRunnerStore runners, IOptions<RunnersOptions> options, TimeProvider time, ILogger<RunnerRecord> logger, CancellationToken ct)
    {
        var lifetime = request?.ExpiresInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.RegistrationTokenLifetime;
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > TimeSpan.FromDays(30))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["expiresInSeconds"] = ["must be between 60 and 2592000"] });
        }

        var token = Secrets.New(Secrets.RegistrationTokenPrefix);
        var expiresAt = time.GetUtcNow() + lifetime;
        await runners.CreateRegistrationTokenAsync(Secrets.Hash(token), "operator", expiresAt, ct);
        Log.TokenCreated(logger, expiresAt);
        return TypedResults.Created((string?)null, new RegistrationTokenResponse(token, expiresAt));
    }

    internal static async Task<Results<Ok<RegisterRunnerResponse>, ValidationProblem, UnauthorizedHttpResult>> RegisterAsync(
        RegisterRunnerRequest request, IRunnerStore runners, ILogger<RunnerRecord> logger, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Token))
        {
            errors["token"] = ["a registration token is required"];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || request.Name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors["name"] = ["1-100 characters, no spaces or control characters"];
        }

        if (!LabelSet.TryFrom(request.Labels ?? [], out var labels, out var labelError))
        {
            errors["labels"] = [labelError];
        }

        if (request.Slots is < 1 or > 64)
        {
            errors["slots"] = ["between 1 and 64"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var credential = Secrets.New(Secrets.CredentialPrefix);
        var runnerId = await runners.RegisterAsync(Secrets.Hash(request.Token), request.Name, labels!, request.Slots, Secrets.Hash(credential), ct);
        if (runnerId is null)
        {
            Log.RegistrationRefused(logger, request.Name);
            return TypedResults.Unauthorized();
        }

        Log.Registered(logger, request.Name, runnerId.Value, labels!.ToString(), request.Slots);
        return TypedResults.Ok(new RegisterRunnerResponse(runnerId.Value, credential));
    }

    internal static async Task<Ok<IReadOnlyList<RunnerView>>> ListAsync(IRunnerStore runners, IOptions<RunnersOptions> options, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var offlineAfter = options.Value.OfflineAfter;
        var list = await runners.ListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<RunnerView>>([.. list.Select(r => RunnerView.From(r, now, offlineAfter))]);
    }

    /// <summary>204 when done (audited), 404 with the reason when there is no such runner.</summary>
    private static async Task<Results<NoContent, NotFound<string>>> AnswerAsync(Task<ActionResult> action)
    {
        var result = await action;
        return result.Ok ? TypedResults.NoContent() : TypedResults.NotFound(result.Message);
    }
}

/// <summary>Body of <c>POST /api/runners/registration-tokens</c> (optional).</summary>
internal sealed record CreateRegistrationTokenRequest(int? ExpiresInSeconds);

/// <summary>A new registration token; shown once.</summary>
internal sealed record RegistrationTokenResponse(string Token, DateTimeOffset ExpiresAt);

/// <summary>A runner as the operator sees it.</summary>
internal sealed record RunnerView(
    Guid RunnerId,
    string Name,
    string Status,
    IReadOnlyList<string> Labels,
    int Slots,
    int FreeSlots,
    string? Node,
    string? Version,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastHeartbeatAt,
    IReadOnlyList<long> RunningJobs)
{
    /// <summary>removed, draining, online (connected and heard from within <paramref name="offlineAfter"/>) or offline.</summary>
    public static RunnerView From(RunnerRecord r, DateTimeOffset now, TimeSpan offlineAfter)
    {
        var online = r.NodeId is not null && r.LastHeartbeatAt is { } seen && now - seen < offlineAfter;
        var status = r.Removed ? "removed" : !online ? "offline" : r.Draining ? "draining" : "online";
        return new RunnerView(r.RunnerId, r.Name, status, r.Labels, r.Slots, online ? r.FreeSlots : 0, online ? r.NodeId : null, r.Version, r.RegisteredAt, r.LastHeartbeatAt, r.RunningJobs);
    }
}
