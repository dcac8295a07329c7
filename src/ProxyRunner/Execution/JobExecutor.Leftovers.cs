using System.Globalization;

namespace RunnerHub.ProxyRunner.Execution;

internal sealed partial class JobExecutor
{
    private static readonly TimeSpan LeftoverPollInterval = TimeSpan.FromMilliseconds(50);

    public async Task<IReadOnlyList<JobExited>> FindLeftoversAsync(CancellationToken cancellationToken)
    {
        var bootId = ProcStat.BootId();
        var reports = new List<JobExited>();
        foreach (var (path, state) in await _store.ReadAllAsync(cancellationToken))
        {
            if (state is null)
            {
                Log.LeftoverUnreadable(_logger, path);
                DeleteStateFile(path, 0, 0);
                continue;
            }

            lock (_gate)
            {
                if (_jobs.ContainsKey((state.JobId, state.Attempt)))
                {
                    // Started by this run (called late): not a leftover.
                    continue;
                }
            }

            var orphaned = await EndLeftoverAsync(state, bootId);
            var now = _time.GetUtcNow();
            var exited = orphaned
                ? new JobExited(state.JobId, state.Attempt, state.RunnerName, state.ProcessId, now, JobExitKind.Orphaned, null, now - state.StartedAt)
                : new JobExited(state.JobId, state.Attempt, state.RunnerName, state.ProcessId, now, JobExitKind.Unknown, null, null);
            await AppendToLeftoverLogAsync(state, exited);
            DeleteStateFile(path, state.JobId, state.Attempt);
            _events.Writer.TryWrite(exited);
            reports.Add(exited);
        }

        return reports;
    }

    /// <summary>Kills what is left of a previous run's job; true when something of it was still running.</summary>
    private async Task<bool> EndLeftoverAsync(RunningJobState state, string? bootId)
    {
        if (state.BootId is not null && bootId is not null && state.BootId != bootId)
        {
            Log.LeftoverGone(_logger, state.JobId, state.Attempt, state.ProcessId, "the machine has rebooted since");
            return false;
        }

        var stat = ProcStat.Read(state.ProcessId);
        if (stat is { IsAlive: true } && stat.Value.StartTicks != state.StartTicks)
        {
            // Same pid, different start time: another process got the number. Never signal it.
            Log.LeftoverGone(_logger, state.JobId, state.Attempt, state.ProcessId, "its pid now belongs to another process");
            return false;
        }

        if (stat is not { IsAlive: true } && ProcStat.GroupMembers(state.ProcessGroupId).Count == 0)
        {
            Log.LeftoverGone(_logger, state.JobId, state.Attempt, state.ProcessId, "neither it nor anything of its process group runs");
            return false;
        }

        // Either the job itself runs, or it died and members of its group live on: Linux does not hand out a
        // pid that is still some group's id, so a live group with that id is still the job's.
        Log.LeftoverKilling(_logger, state.JobId, state.Attempt, state.ProcessId, state.StartedAt);
        var pgid = state.ProcessGroupId;
        ProcessSignals.SignalGroup(pgid, ProcessSignals.SigTerm);
        if (!await GroupEndsAsync(pgid, _options.KillTimeout))
        {
            ProcessSignals.SignalGroup(pgid, ProcessSignals.SigKill);
            if (!await GroupEndsAsync(pgid, OutputGrace))
            {
                Log.LeftoverNotDead(_logger, state.JobId, state.Attempt, pgid);
            }
        }

        return true;
    }

    private void DeleteStateFile(string path, long jobId, int attempt)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Start-up goes on: the next start finds the file again and reports the job once more, harmlessly.
            Log.StateFileFailed(_logger, ex, jobId, attempt, path);
        }
    }

    private async Task<bool> GroupEndsAsync(int processGroupId, TimeSpan timeout)
    {
        var started = _time.GetTimestamp();
        while (ProcStat.GroupMembers(processGroupId).Count > 0)
        {
            if (_time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(LeftoverPollInterval, _time);
        }

        return true;
    }

    private static async Task AppendToLeftoverLogAsync(RunningJobState state, JobExited exited)
    {
        if (!File.Exists(state.LogPath))
        {
            return;
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"=== runnerhub: job {state.JobId} attempt {state.Attempt} (pid {state.ProcessId}) was left by a previous run of the proxy runner; found {exited.At:O}: {exited.Kind} ===\n");
        try
        {
            await File.AppendAllTextAsync(state.LogPath, line);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the report to the orchestrator is what matters.
        }
    }
}
