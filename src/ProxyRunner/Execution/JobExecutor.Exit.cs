using System.Globalization;

namespace RunnerHub.ProxyRunner.Execution;

internal sealed partial class JobExecutor
{
    public async Task<JobExited?> CancelAsync(long jobId, int attempt, CancellationToken cancellationToken)
    {
        JobProcess? job;
        lock (_gate)
        {
            _jobs.TryGetValue((jobId, attempt), out job);
        }

        if (job is null)
        {
            return null;
        }

        RunningProcess running;
        try
        {
            running = await job.Started.WaitAsync(cancellationToken);
        }
        catch (JobStartException)
        {
            return null;
        }

        Log.Cancelling(_logger, jobId, attempt, running.ProcessId);
        // Not awaited with the caller's token: once begun, the kill runs to its end.
        _ = job.TerminateAsync(JobExitKind.Cancelled);
        return await job.Completion.WaitAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        JobProcess[] jobs;
        lock (_gate)
        {
            _stopping = true;
            jobs = [.. _jobs.Values];
        }

        if (jobs.Length > 0)
        {
            var all = Task.WhenAll(jobs.Select(j => j.Completion));
            try
            {
                Log.WaitingForJobs(_logger, jobs.Length);
                await all.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                var left = jobs.Count(j => !j.Completion.IsCompleted);
                Log.KillingOnShutdown(_logger, left);
                foreach (var job in jobs)
                {
                    _ = job.TerminateAsync(JobExitKind.KilledOnShutdown);
                }

                try
                {
                    // SIGKILL cannot be ignored; only a process stuck in the kernel outlives this.
                    await all.WaitAsync(_options.KillTimeout + OutputGrace + TimeSpan.FromSeconds(2), _time, CancellationToken.None);
                }
                catch (TimeoutException)
                {
                    Log.NotDeadAfterKill(_logger, jobs.Count(j => !j.Completion.IsCompleted));
                }
            }
        }

        lock (_gate)
        {
            if (_jobs.Count == 0)
            {
                _events.Writer.TryComplete();
            }
        }
    }

    /// <summary>Kills whatever still runs (tests, a host that never called <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(new CancellationToken(canceled: true));

    private async Task MonitorAsync(JobProcess job, RunningProcess running)
    {
        JobExited? exited = null;
        try
        {
            await job.Exited;
            var kind = job.StopKind ?? JobExitKind.Exited;
            var duration = _time.GetElapsedTime(job.StartTimestamp);
            if (await job.FinishAsync(OutputGrace))
            {
                Log.StragglersKilled(_logger, job.JobId, job.Attempt);
            }

            exited = new JobExited(job.JobId, job.Attempt, job.RunnerName, running.ProcessId, _time.GetUtcNow(), kind, job.ExitCode, duration);
            var output = job.Output!;
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"=== runnerhub: job {job.JobId} attempt {job.Attempt} exited with code {exited.ExitCode} after {duration.TotalSeconds:0.###} s ({kind}) at {exited.At:O} ==="));
            if (output.Error is { } error)
            {
                Log.LogWriteFailed(_logger, error, job.JobId, job.Attempt, output.Path);
            }
        }
        finally
        {
            // Whatever failed above, the slot must come free and the waiters must be released.
            await job.Output!.DisposeAsync();
            try
            {
                _store.Delete(job.JobId, job.Attempt);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.StateFileFailed(_logger, ex, job.JobId, job.Attempt, _store.PathFor(job.JobId, job.Attempt));
            }

            // Free the slot before telling anyone: a listener may offer it again at once.
            bool last;
            lock (_gate)
            {
                _jobs.Remove((job.JobId, job.Attempt));
                last = _stopping && _jobs.Count == 0;
            }

            // Reported even when something above failed: the orchestrator must hear that the attempt ended.
            exited ??= new JobExited(job.JobId, job.Attempt, job.RunnerName, running.ProcessId, _time.GetUtcNow(), job.StopKind ?? JobExitKind.Exited, null, _time.GetElapsedTime(job.StartTimestamp));
            _events.Writer.TryWrite(exited);
            Log.JobExited(_logger, job.JobId, job.Attempt, running.ProcessId, exited.ExitCode ?? -1, exited.Duration?.TotalSeconds ?? 0, exited.Kind);

            job.Complete(exited);
            job.Dispose();
            if (last)
            {
                _events.Writer.TryComplete();
            }
        }
    }
}
