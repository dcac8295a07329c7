using RunnerHub.GitHubSimulator.Faults;
using RunnerHub.GitHubSimulator.Jobs;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>
/// Plays a started <c>actions/runner</c>: like GitHub, it hands the runner the OLDEST queued job
/// whose labels are all among the runner's (case-insensitive) in the runner's repository or
/// organization, not necessarily the job it was made for; a job with a label the runner lacks is
/// never taken. Then <c>in_progress</c>, the job's duration, <c>completed</c>.
/// </summary>
internal sealed class RunnerPlayer(
    RunnerRegistry runners,
    JobStore jobs,
    WorkflowJobWebhooks webhooks,
    FaultState faults,
    TimeProvider time,
    ILogger<RunnerPlayer> logger)
{
    public async Task<RunResult> RunAsync(RunnerSnapshot runner, TimeSpan wait, CancellationToken runnerGone)
    {
        var started = time.GetTimestamp();
        var reset = runners.ResetToken;
        Log.RunnerStarted(logger, runner.Name, runner.Id, runner.Scope.ToString(), string.Join(',', runner.Labels), wait.TotalSeconds);
        var job = await BootAsync(runner, runnerGone) ? await WaitForJobAsync(runner, wait, runnerGone, reset) : null;
        if (job is null)
        {
            runners.Ended(runner.Id, ranJob: false);
            Log.NoJob(logger, runner.Name, runner.Id, time.GetElapsedTime(started).TotalSeconds, runnerGone.IsCancellationRequested);
            return new RunResult(null, runner.Id, runner.Name, null, time.GetElapsedTime(started).TotalMilliseconds);
        }

        runners.SetBusy(runner.Id, busy: true);
        Log.TookJob(logger, runner.Name, runner.Id, job.Id, job.LabelSetKey, job.Repository.FullName);
        webhooks.Send(job, JobStatus.InProgress);
        var conclusion = JobStatus.Success;
        try
        {
            await Task.Delay(job.Duration, time, runnerGone);
        }
        catch (OperationCanceledException)
        {
            // The runner process went away mid-job: GitHub fails the job once it loses the runner.
            conclusion = JobStatus.Failure;
            Log.RunnerLost(logger, runner.Name, runner.Id, job.Id);
        }

        if (jobs.Complete(job.Id, conclusion) is { } done)
        {
            webhooks.Send(done, JobStatus.Completed);
        }

        runners.Ended(runner.Id, ranJob: true);
        Log.FinishedJob(logger, runner.Name, runner.Id, job.Id, conclusion);
        return new RunResult(job.Id, runner.Id, runner.Name, conclusion, time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The runner's boot time (fault <c>runnerStartMs</c>); false when it went away meanwhile.</summary>
    private async Task<bool> BootAsync(RunnerSnapshot runner, CancellationToken runnerGone)
    {
        if (faults.Current.RunnerStartMs is not (> 0 and var ms))
        {
            return true;
        }

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ms), time, runnerGone);
            return true;
        }
        catch (OperationCanceledException)
        {
            Log.RunnerLostBooting(logger, runner.Name, runner.Id);
            return false;
        }
    }

    /// <summary>
    /// Looks, then sleeps until a job is queued or the wait ends; bounded by the wait. A reset of
    /// the simulator's state (<paramref name="reset"/>) ends the wait without a job.
    /// </summary>
    private async Task<JobSnapshot?> WaitForJobAsync(RunnerSnapshot runner, TimeSpan wait, CancellationToken runnerGone, CancellationToken reset)
    {
        var started = time.GetTimestamp();
        while (!runnerGone.IsCancellationRequested && !reset.IsCancellationRequested)
        {
            // Take the signal before looking, so a job queued between the look and the wait still wakes us.
            var queued = jobs.QueuedSignal;
            if (!faults.Current.RunnerNeverGetsJob
                && jobs.TryClaim((repository, labels) => runner.Scope.Covers(repository) && Labels.IsSubset(labels, runner.LabelSet), runner.Id, runner.Name) is { } job)
            {
                return job;
            }

            var remaining = wait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(runnerGone, reset);
            var deadline = Task.Delay(remaining, time, stopWaiting.Token);
            await Task.WhenAny(queued, deadline);
            await stopWaiting.CancelAsync();
        }

        return null;
    }
}
