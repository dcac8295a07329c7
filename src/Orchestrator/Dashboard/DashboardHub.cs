using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.Dashboard;

/// <summary>
/// <c>/hubs/dashboard</c>, for logged-in operators only: the server pushes <c>snapshot</c>
/// (<see cref="DashboardSnapshot"/>) on connect and about every second; the page asks for job
/// searches and job pages, and carries out operator actions, each audited with the operator's name.
/// </summary>
[Authorize(Policy = OperatorPolicy.Name)]
internal sealed class DashboardHub(DashboardSnapshots snapshots, DashboardConnections connections, DashboardStore store, OperatorActions actions) : Hub
{
    public const string Route = "/hubs/dashboard";

    /// <summary>The most jobs a search returns.</summary>
    public const int SearchLimit = 100;

    private string Operator => Context.User?.FindFirstValue(ClaimTypes.Name) ?? "operator";

    public override async Task OnConnectedAsync()
    {
        connections.Add(Context.ConnectionId, Operator);
        var snapshot = await snapshots.CurrentAsync(DashboardBroadcaster.Interval, Context.ConnectionAborted);
        await Clients.Caller.SendAsync("snapshot", snapshot with { Operator = Operator }, Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Digits: a job or run id; otherwise part of a repository name; empty: the most recent jobs.</summary>
    public async Task<IReadOnlyList<JobRow>> SearchJobs(string? query) =>
        query is { Length: > 200 } ? [] : await store.SearchJobsAsync(query, SearchLimit, Context.ConnectionAborted);

    public async Task<JobDetail?> GetJob(long jobId) => await store.JobAsync(jobId, Context.ConnectionAborted);

    public Task<ActionResult> DrainRunner(string name) => actions.SetDrainingAsync(Operator, name, true, Context.ConnectionAborted);

    public Task<ActionResult> ResumeRunner(string name) => actions.SetDrainingAsync(Operator, name, false, Context.ConnectionAborted);

    public Task<ActionResult> RemoveRunner(string name) => actions.RemoveRunnerAsync(Operator, name, Context.ConnectionAborted);

    public Task<ActionResult> RetryJob(long jobId) => actions.RetryJobAsync(Operator, jobId, Context.ConnectionAborted);

    public Task<ActionResult> RecheckJob(long jobId) => actions.RecheckJobAsync(Operator, jobId, Context.ConnectionAborted);
}

/// <summary>The dashboard connections on this node and the operator behind each.</summary>
internal sealed class DashboardConnections
{
    private readonly ConcurrentDictionary<string, string> _operators = new();

    public bool Any => !_operators.IsEmpty;

    public void Add(string connectionId, string @operator) => _operators[connectionId] = @operator;

    public void Remove(string connectionId) => _operators.TryRemove(connectionId, out _);

    public IReadOnlyList<KeyValuePair<string, string>> All => [.. _operators];
}

/// <summary>Pushes a snapshot to every dashboard connection on this node every <see cref="Interval"/> while any is open.</summary>
internal sealed partial class DashboardBroadcaster(
    DashboardSnapshots snapshots,
    DashboardConnections connections,
    IHubContext<DashboardHub> hub,
    TimeProvider time,
    ILogger<DashboardBroadcaster> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!connections.Any)
            {
                continue;
            }

            try
            {
                var snapshot = await snapshots.CurrentAsync(Interval / 2, stoppingToken);
                foreach (var group in connections.All.GroupBy(c => c.Value, c => c.Key))
                {
                    await hub.Clients.Clients([.. group]).SendAsync("snapshot", snapshot with { Operator = group.Key }, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One bad tick (a serialisation or transport error) must not end the live view.
                LogBroadcastFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2361, Level = LogLevel.Warning, Message = "Dashboard snapshot not sent this tick")]
    private static partial void LogBroadcastFailed(ILogger logger, Exception exception);
}
