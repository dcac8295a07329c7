using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// The queues with unfinished jobs, read together with the label sets of every runner that is
/// registered and not removed, so a reader can tell which queues some runner could serve.
/// </summary>
internal sealed record QueueSnapshot(IReadOnlyList<QueueCounts> Queues, IReadOnlyList<LabelSet> RunnerLabelSets);
