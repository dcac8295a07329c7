using System.Security.Cryptography;
using RunnerHub.GitHubSimulator.Jobs;

namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>
/// The self-hosted runners registered with the simulated GitHub. Names are unique within a
/// scope (repository or organization), as on GitHub. A JIT runner is ephemeral: once it has run
/// a job GitHub removes it; one that got no job stays registered (offline) until deleted.
/// </summary>
internal sealed class RunnerRegistry(SimulatorIds ids, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, RegisteredRunner> _runners = [];

    // Ephemeral runners removed after their job, kept so a second use of their JIT config is
    // refused as "used" (409), not "unknown" (404).
    private readonly Dictionary<long, RegisteredRunner> _finished = [];

    // Jobs that had two runners waiting for them at once (see DispatchedTwiceAtOnce), by dispatch key.
    private readonly SortedSet<string> _dispatchedTwice = new(StringComparer.OrdinalIgnoreCase);

    // Cancelled by Reset: runners still waiting for a job then end without one, as a runner GitHub
    // deleted would. Otherwise they would outlive the state they belonged to and take the jobs of
    // whatever comes next before the runners made for those jobs.
    private CancellationTokenSource _generation = new();

    /// <summary>Cancelled at the next <see cref="Reset"/>.</summary>
    public CancellationToken ResetToken
    {
        get
        {
            lock (_gate)
            {
                return _generation.Token;
            }
        }
    }

    public (RunnerSnapshot? Runner, string? JitConfig) Register(RunnerScope scope, string name, IReadOnlyList<string> labels, string workFolder)
    {
        lock (_gate)
        {
            if (_runners.Values.Any(r => r.Scope.Key == scope.Key && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                return (null, null);
            }

            var secret = RandomNumberGenerator.GetBytes(32);
            var runner = new RegisteredRunner(ids.NextRunner(), name, [.. labels], scope, secret, time.GetUtcNow());
            _runners.Add(runner.Id, runner);
            return (runner.Snapshot(), JitConfig.Encode(runner.Id, name, scope, workFolder, secret));
        }
    }

    /// <summary>A runner process starts with its JIT config: the config must be known, carry the right secret, and be unused.</summary>
    public (RunnerSnapshot? Runner, RunnerStartProblem Problem) Start(long runnerId, byte[] secret)
    {
        lock (_gate)
        {
            if ((!_runners.TryGetValue(runnerId, out var runner) && !_finished.TryGetValue(runnerId, out runner))
                || !CryptographicOperations.FixedTimeEquals(runner.Secret, secret))
            {
                return (null, RunnerStartProblem.Unknown);
            }

            if (runner.Started)
            {
                return (runner.Snapshot(), RunnerStartProblem.AlreadyUsed);
            }

            runner.Started = true;
            runner.Online = true;
            if (DispatchKey(runner.Name) is { } key
                && _runners.Values.Any(other => other.Id != runner.Id && other.Scope.Key == runner.Scope.Key
                    && other.Online && !other.Busy && string.Equals(DispatchKey(other.Name), key, StringComparison.OrdinalIgnoreCase)))
            {
                _dispatchedTwice.Add(key);
            }

            return (runner.Snapshot(), RunnerStartProblem.None);
        }
    }

    public void SetBusy(long runnerId, bool busy) => Update(runnerId, r => r.Busy = busy);

    /// <summary>The runner process ended: removed if it ran a job (ephemeral), else left registered and offline.</summary>
    public void Ended(long runnerId, bool ranJob)
    {
        lock (_gate)
        {
            if (ranJob && _runners.Remove(runnerId, out var finished))
            {
                finished.Online = false;
                finished.Busy = false;
                _finished[runnerId] = finished;
            }
            else if (_runners.TryGetValue(runnerId, out var runner))
            {
                runner.Online = false;
                runner.Busy = false;
            }
        }
    }

    public IReadOnlyList<RunnerSnapshot> List(RunnerScope scope)
    {
        lock (_gate)
        {
            return [.. _runners.Values.Where(r => r.Scope.Key == scope.Key).OrderBy(r => r.Id).Select(r => r.Snapshot())];
        }
    }

    public RunnerSnapshot? Get(RunnerScope scope, long runnerId)
    {
        lock (_gate)
        {
            return _runners.TryGetValue(runnerId, out var r) && r.Scope.Key == scope.Key ? r.Snapshot() : null;
        }
    }

    /// <summary>Deletes a runner; refused while it runs a job (GitHub answers 422 then).</summary>
    public (bool Found, bool Busy) Delete(RunnerScope scope, long runnerId)
    {
        lock (_gate)
        {
            if (!_runners.TryGetValue(runnerId, out var runner) || runner.Scope.Key != scope.Key)
            {
                return (false, false);
            }

            if (runner.Busy)
            {
                return (true, true);
            }

            _runners.Remove(runnerId);
            return (true, false);
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _runners.Count;
            }
        }
    }

    /// <summary>
    /// Jobs a hub dispatched twice at once, as GitHub can see it: a runner started while another
    /// runner made for the same job was online and still waiting for a job (not busy). Runners are
    /// "made for the same job" when their names differ only in a trailing <c>-N</c> (RunnerHub
    /// names JIT runners <c>&lt;prefix&gt;&lt;job id&gt;-&lt;attempt&gt;</c>). A runner that took
    /// another job (GitHub gives any idle runner any matching job) no longer counts for its own.
    /// </summary>
    public IReadOnlyList<string> DispatchedTwiceAtOnce
    {
        get
        {
            lock (_gate)
            {
                return [.. _dispatchedTwice];
            }
        }
    }

    public void Reset()
    {
        CancellationTokenSource ended;
        lock (_gate)
        {
            _runners.Clear();
            _finished.Clear();
            _dispatchedTwice.Clear();
            ended = _generation;
            _generation = new CancellationTokenSource();
        }

        // Outside the lock: the waiting runners' continuations run here. Not disposed: a runner
        // that read the token just before may still be registering on it.
        ended.Cancel();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _generation.Dispose();
        }
    }

    /// <summary>The name without its trailing <c>-N</c> (the attempt); null when it has none.</summary>
    internal static string? DispatchKey(string name)
    {
        var dash = name.LastIndexOf('-');
        return dash > 0 && dash < name.Length - 1 && name.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0 ? name[..dash] : null;
    }

    private void Update(long runnerId, Action<RegisteredRunner> change)
    {
        lock (_gate)
        {
            if (_runners.TryGetValue(runnerId, out var runner))
            {
                change(runner);
            }
        }
    }
}
