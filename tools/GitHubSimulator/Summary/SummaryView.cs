using System.Text.Json.Serialization;

namespace RunnerHub.GitHubSimulator.Summary;

/// <summary><c>GET /summary</c>: all jobs' counts, the same per label set (key: lower-case, sorted, comma-joined) and per repository, and deliveries.</summary>
internal sealed class SummaryView : JobCounts
{
    // The job counts of the base class come first; these follow.
    [JsonPropertyOrder(1)]
    public SortedDictionary<string, JobCounts> PerLabelSet { get; } = new(StringComparer.Ordinal);

    [JsonPropertyOrder(1)]
    public SortedDictionary<string, JobCounts> PerRepository { get; } = new(StringComparer.OrdinalIgnoreCase);

    [JsonPropertyOrder(1)]
    public DeliveryCounts Deliveries { get; } = new();

    [JsonPropertyOrder(1)]
    public int RegisteredRunners { get; init; }

    /// <summary>How many jobs had two runners waiting for them at once (<see cref="Runners.RunnerRegistry.DispatchedTwiceAtOnce"/>).</summary>
    [JsonPropertyOrder(1)]
    public int DispatchedTwiceAtOnce { get; init; }

    /// <summary>The first 20 of them, by their runners' name without the attempt.</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<string> DispatchedTwiceAtOnceJobs { get; init; } = [];

    [JsonPropertyOrder(1)]
    public DateTimeOffset At { get; init; }
}
