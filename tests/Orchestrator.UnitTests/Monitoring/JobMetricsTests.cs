using System.Diagnostics.Metrics;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Monitoring;

namespace RunnerHub.Orchestrator.UnitTests.Monitoring;

public sealed class JobMetricsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void Applied_CountsReceived_WhenAQueuedDeliveryStoresTheJob()
    {
        var metrics = new JobMetrics(_meters.Factory);
        using var received = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.jobs.received");

        metrics.Applied(Event(JobState.Queued), Outcome(JobOutcomes.Created, JobState.Queued));
        metrics.Applied(Event(JobState.Queued), Outcome(JobOutcomes.Advanced, JobState.Queued)); // was waiting

        var counted = received.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Sum(m => m.Value));
        Assert.All(counted, m => Assert.Equal("linux,self-hosted,x64", m.Tags["labels"]));
    }

    [Fact]
    public void Applied_CountsNothing_ForADuplicateOrADeliveryThatChangedNothing()
    {
        var metrics = new JobMetrics(_meters.Factory);
        using var received = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.jobs.received");
        using var completed = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.jobs.completed");

        metrics.Applied(Event(JobState.Queued), Outcome(JobOutcomes.Created, JobState.Queued) with { Duplicate = true, Times = null });
        metrics.Applied(Event(JobState.Queued), Outcome(JobOutcomes.Unchanged, JobState.Queued) with { Times = null });
        metrics.Applied(Event(JobState.Queued), Outcome(JobOutcomes.Unchanged, JobState.Completed) with { Times = null }); // late queued
        metrics.Applied(Event(JobState.Completed), Outcome(JobOutcomes.Created, JobState.Completed) with { Duplicate = true });

        Assert.Empty(received.GetMeasurementSnapshot());
        Assert.Empty(completed.GetMeasurementSnapshot());
    }

    [Fact]
    public void Applied_RecordsDispatchedToStarted_FromPostgresTimes()
    {
        var metrics = new JobMetrics(_meters.Factory);
        using var started = _meters.Collect<double>(JobMetrics.MeterName, "runnerhub.job.dispatched_to_started");

        metrics.Applied(Event(JobState.InProgress), Outcome(JobOutcomes.Advanced, JobState.InProgress, new JobTimes(T0.AddSeconds(7.5), T0, T0.AddSeconds(3), null, null)));
        // Never dispatched by RunnerHub (GitHub gave it to another job's runner): no dispatch to start from.
        metrics.Applied(Event(JobState.InProgress), Outcome(JobOutcomes.Advanced, JobState.InProgress, new JobTimes(T0, null, T0, null, null)));

        var recorded = Assert.Single(started.GetMeasurementSnapshot());
        Assert.Equal(7.5, recorded.Value, 3);
        Assert.Equal("linux,self-hosted,x64", recorded.Tags["labels"]);
    }

    [Fact]
    public void Applied_CountsCompleted_WithGitHubsConclusionAndRunTime()
    {
        var metrics = new JobMetrics(_meters.Factory);
        using var completed = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.jobs.completed");
        using var ran = _meters.Collect<double>(JobMetrics.MeterName, "runnerhub.job.started_to_completed");

        metrics.Applied(
            Event(JobState.Completed, conclusion: "failure"),
            Outcome(JobOutcomes.Advanced, JobState.Completed, new JobTimes(T0.AddMinutes(5), T0, T0.AddSeconds(10), T0.AddSeconds(130), "failure")));

        var counted = Assert.Single(completed.GetMeasurementSnapshot());
        Assert.Equal(("failure", "linux,self-hosted,x64"), (counted.Tags["conclusion"], counted.Tags["labels"]));
        Assert.Equal(120, Assert.Single(ran.GetMeasurementSnapshot()).Value, 3);
    }

    [Fact]
    public void Dispatched_CountsTheDispatch_AndHowLongTheJobWasQueued()
    {
        var metrics = new JobMetrics(_meters.Factory);
        using var dispatched = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.jobs.dispatched");
        using var waited = _meters.Collect<double>(JobMetrics.MeterName, "runnerhub.job.queued_to_dispatched");

        metrics.Dispatched("gpu,self-hosted", T0, T0.AddMilliseconds(250));

        Assert.Equal("gpu,self-hosted", Assert.Single(dispatched.GetMeasurementSnapshot()).Tags["labels"]);
        Assert.Equal(0.25, Assert.Single(waited.GetMeasurementSnapshot()).Value, 3);
    }

    [Fact]
    public void Failed_TagsTheReason_FromAFixedSet()
    {
        var metrics = new JobMetrics(_meters.Factory);
        using var failed = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.jobs.failed");

        metrics.Failed("linux", JobFailure.AttemptsExhausted);
        metrics.Failed("linux", JobFailure.GitHubGone);

        Assert.Equal(["attempts_exhausted", "github_gone"], failed.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!));
    }

    [Theory]
    [InlineData("success", "success")]
    [InlineData("CANCELLED", "cancelled")]
    [InlineData("timed_out", "timed_out")]
    [InlineData(null, "none")]
    [InlineData("something a payload made up", "other")]
    public void Conclusion_IsOneOfAFewValues_WhateverThePayloadSays(string? conclusion, string expected) =>
        Assert.Equal(expected, JobMetrics.Conclusion(conclusion));

    [Fact]
    public void Histograms_AdviseBuckets_From10MillisecondsToAnHour()
    {
        var histograms = new List<Histogram<double>>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument is Histogram<double> h && instrument.Meter.Name == JobMetrics.MeterName && instrument.Meter.Scope == _meters.Factory)
                {
                    histograms.Add(h);
                }
            },
        };
        listener.Start();

        _ = new JobMetrics(_meters.Factory);

        Assert.Equal(3, histograms.Count);
        Assert.All(histograms, h =>
        {
            var buckets = h.Advice?.HistogramBucketBoundaries ?? [];
            Assert.Equal("s", h.Unit);
            Assert.Equal((0.01, 3600.0), (buckets[0], buckets[^1]));
            Assert.Equal(buckets.Order(), buckets);
        });
    }

    private static WorkflowJobEvent Event(JobState state, string? conclusion = null) =>
        new("d-1", state.ToString(), state, 42, 43, 1, "octo-org/octo-repo", "octo-org", LabelSet.Parse("self-hosted,Linux,X64"),
            "CI", "build", null, conclusion, null, T0, null, null);

    private static DeliveryOutcome Outcome(string outcome, JobState state, JobTimes? times = null) =>
        new(200, outcome, 42, state, Duplicate: false, times ?? new JobTimes(T0, null, null, null, null));
}
