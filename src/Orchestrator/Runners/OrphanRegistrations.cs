using System.Collections.Concurrent;
using System.Threading.Channels;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.GitHub;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// Deletes at GitHub the JIT runner registration of each runner process the hub cancels as an
/// orphan (<see cref="OrphanedProcesses"/>). Such a runner never gets a job from RunnerHub again:
/// its job ran on another runner (GitHub gives a waiting runner any job with matching labels),
/// completed, moved on to another attempt or went dead. Killing the process alone left the
/// registration at GitHub, idle and counted against the repository's runners, for good.
/// Off the hub's path (a heartbeat must not wait for GitHub), one at a time, best effort: a
/// runner GitHub says is running a job is left alone (422), and a failure is logged, not retried
/// (the next heartbeat reports the process again while it still runs).
/// </summary>
internal sealed partial class OrphanRegistrations(IGitHubClient github, ILogger<OrphanRegistrations> logger) : BackgroundService
{
    /// <summary>Deletions waiting; more are dropped (logged) rather than held: a burst of orphans must not grow memory.</summary>
    private const int Capacity = 1000;

    private readonly Channel<(string Repository, string Name)> _pending =
        Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Names queued or being deleted, so a process reported by several heartbeats is deleted once.</summary>
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    /// <summary>Queues the deletion of <paramref name="orphan"/>'s registration; does nothing for a job PostgreSQL does not know (no repository to look in).</summary>
    public void Delete(OrphanedProcess orphan)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        if (orphan.Repository is not { } repository)
        {
            return;
        }

        var name = JitRunnerNames.For(orphan.JobId, orphan.Attempt);
        if (!_queued.TryAdd(name, 0))
        {
            return;
        }

        if (!_pending.Writer.TryWrite((repository, name)))
        {
            _queued.TryRemove(name, out _);
            LogDropped(logger, name, repository);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (repository, name) in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await github.DeleteRunnerAsync(repository, name, stoppingToken))
                {
                    LogDeleted(logger, name, repository);
                }
            }
            catch (Exception ex) when (GitHubErrors.IsCallFailure(ex))
            {
                LogNotDeleted(logger, name, repository, ex.Message);
            }
            finally
            {
                _queued.TryRemove(name, out _);
            }
        }
    }

    [LoggerMessage(EventId = 1632, Level = LogLevel.Information, Message = "Deleted the GitHub registration of cancelled runner process {Name} ({Repository})")]
    private static partial void LogDeleted(ILogger logger, string name, string repository);

    [LoggerMessage(EventId = 1633, Level = LogLevel.Warning, Message = "Could not delete the GitHub registration of cancelled runner process {Name} ({Repository}): {Reason}")]
    private static partial void LogNotDeleted(ILogger logger, string name, string repository, string reason);

    [LoggerMessage(EventId = 1634, Level = LogLevel.Warning, Message = "Too many registrations of cancelled runner processes waiting to be deleted; {Name} ({Repository}) stays registered at GitHub")]
    private static partial void LogDropped(ILogger logger, string name, string repository);
}
