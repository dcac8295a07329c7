using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>One concurrency level of the intake scenario: what was answered, how fast, and whether every 2xx job is in PostgreSQL.</summary>
internal sealed record IntakeStep(int Concurrency, double Seconds, int Sent, int Accepted, int Failed, int Durable, double PerSecond, LatencySummary Answer)
{
    /// <summary>Counts toward the result only when nothing failed and every accepted job was found in PostgreSQL.</summary>
    public bool Clean => Failed == 0 && Durable == Accepted && Accepted > 0;
}

/// <summary>The intake scenario: every step, and the best clean one.</summary>
internal sealed record IntakeResult(string Url, string Labels, IReadOnlyList<IntakeStep> Steps, IntakeStep? Best, int CleanedUp);
