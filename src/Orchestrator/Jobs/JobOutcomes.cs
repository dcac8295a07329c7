namespace RunnerHub.Orchestrator.Jobs;

/// <summary>What a delivery did to its job (<see cref="DeliveryOutcome.Outcome"/>, stored in <c>deliveries.outcome</c>).</summary>
internal static class JobOutcomes
{
    /// <summary>The delivery stored a job RunnerHub did not know.</summary>
    public const string Created = "created";

    /// <summary>The delivery moved the job forward.</summary>
    public const string Advanced = "advanced";

    /// <summary>The job was at or past the delivery's state already.</summary>
    public const string Unchanged = "unchanged";
}
