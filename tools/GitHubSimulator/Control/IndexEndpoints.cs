using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator.Faults;

namespace RunnerHub.GitHubSimulator.Control;

/// <summary><c>GET /</c>: every endpoint and switch, so the simulator explains itself; health endpoints.</summary>
internal static class IndexEndpoints
{
    private static readonly (string Method, string Path, string What)[] Endpoints =
    [
        ("POST", "/repos/{owner}/{repo}/actions/runners/generate-jitconfig", "GitHub API: register a JIT runner {name, runner_group_id, labels, work_folder} -> 201 {runner, encoded_jit_config}; 409 name taken; 422 invalid"),
        ("POST", "/orgs/{org}/actions/runners/generate-jitconfig", "GitHub API: the same for an organization runner (runs jobs of any repository of the org)"),
        ("GET", "/repos/{owner}/{repo}/actions/runners[/{id}]", "GitHub API: list / get repository runners (also /orgs/{org}/...)"),
        ("DELETE", "/repos/{owner}/{repo}/actions/runners/{id}", "GitHub API: delete a runner -> 204; 422 while it runs a job (also /orgs/{org}/...)"),
        ("GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}", "GitHub API: a workflow job, as in the webhook's workflow_job"),
        ("GET", "/repos/{owner}/{repo}/installation", "GitHub API: the App installation (also /orgs/{org}/installation)"),
        ("POST", "/app/installations/{id}/access_tokens", "GitHub API (App JWT, verified with Simulator:AppPublicKeyPath when set): 201 {token: ghs_..., expires_at}"),
        ("GET", "/_simulator/installation-tokens", "installation tokens issued (never the token) and how many API calls each authenticated"),
        ("POST", "/jobs", "create jobs and send their queued webhooks: {count, rate, durationMs, labelSets, repositories, waiting, workflowName, jobName} -> 202 {batchId, jobIds...}"),
        ("GET", "/jobs/{id}", "one job's record with its GitHub JSON and delivery history"),
        ("POST", "/jobs/{id}/approve", "a waiting job becomes queued (queued webhook)"),
        ("POST", "/jobs/{id}/cancel", "a queued or waiting job is cancelled (completed webhook, conclusion cancelled)"),
        ("GET", "/batches/{id}", "a batch's progress"),
        ("POST", "/ping", "send a ping event -> 202 {deliveryId}"),
        ("GET", "/deliveries/{id}", "one delivery and each request made for it"),
        ("GET", "/summary", "counts of jobs (total, per label set, per repository) and deliveries, to audit for loss"),
        ("POST", "/_simulator/runner/run", "what run.sh --jitconfig calls: {jitconfig, waitMs?} -> 200 {jobId|null, conclusion} when the runner would exit; 404 unknown, 409 used"),
        ("GET|PUT|DELETE", "/_simulator/faults", "read / replace / clear the fault switches"),
        ("DELETE", "/_simulator/state", "forget every job, delivery, runner, batch, rate-limit count and fault"),
        ("GET", "/health/live, /health/ready", "health"),
    ];

    private static readonly Dictionary<string, string> Switches = new()
    {
        ["dropRate"] = "0..1: share of webhooks never sent (the job still exists and counts as created)",
        ["duplicateRate"] = "0..1: share of webhooks sent twice at once, same delivery id and body",
        ["delayMs"] = "extra delay before each webhook is sent",
        ["reorder"] = "N: buffer up to N webhooks (or what arrives within Simulator:ReorderWindow) and send them shuffled",
        ["runnerNeverGetsJob"] = "run.sh calls wait their whole wait and get no job",
        ["runnerStartMs"] = "how long a started runner boots before it looks for a job; killed before then, it took none",
        ["apiFailureRate"] = "0..1: share of API calls answered 502 without doing anything",
        ["apiLostReplyRate"] = "0..1: share of API calls that do their work but answer 502",
        ["rateLimited"] = "every API call answered rateLimitStatus (403|429, default 429) with retry-after: retryAfterSeconds (default 60)",
        ["seed"] = "seed of every random fault decision, for repeatable runs",
    };

    public static WebApplication MapIndex(this WebApplication app)
    {
        app.MapGet("/", (IOptions<SimulatorOptions> options, FaultState faults) =>
        {
            var o = options.Value;
            return TypedResults.Ok(new
            {
                name = "RunnerHub GitHub simulator",
                about = "Stands in for api.github.com and GitHub's webhooks. API calls need 'Authorization: Bearer <token>' or 'token <token>' (any token).",
                webhookUrl = o.WebhookUrl,
                settings = new
                {
                    deliveryTimeout = o.DeliveryTimeout,
                    deliveryConcurrency = o.DeliveryConcurrency,
                    runnerJobWait = o.RunnerJobWait,
                    reorderWindow = o.ReorderWindow,
                    apiRateLimit = o.ApiRateLimit,
                    installationId = o.InstallationId,
                    appId = o.AppId,
                    maxJobs = o.MaxJobs,
                },
                endpoints = Endpoints.Select(e => new { method = e.Method, path = e.Path, what = e.What }),
                faultSwitches = Switches,
                faults = faults.Current,
            });
        });
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "Healthy" }));
        app.MapGet("/health/ready", () => TypedResults.Ok(new { status = "Healthy" }));
        return app;
    }
}
