namespace RunnerHub.Bench.Measurement;

/// <summary>One steady-rate step of an anchor: what was sent, what arrived, and how late.</summary>
internal sealed record RateResult(double Rate, double DurationSeconds, int Sent, int Received, double AchievedRate, LatencySummary Latency);

/// <summary>A drain: <see cref="Jobs"/> waiting jobs processed by the consumers from a standing start.</summary>
internal sealed record ThroughputResult(int Jobs, int Processed, double Seconds, double PerSecond);

/// <summary>What an anchor command writes: its latency at each rate and its drain throughput.</summary>
internal sealed record AnchorResult(string Name, string Description, int Consumers, IReadOnlyList<RateResult> Latency, ThroughputResult Throughput);
