namespace RunnerHub.Bench.Anchors;

/// <summary>What every anchor is asked: the rates and how long each lasts, the consumers, the drain size.</summary>
internal sealed record AnchorSettings(IReadOnlyList<double> Rates, TimeSpan StepDuration, int Consumers, int DrainJobs, TimeSpan SettleTimeout);
