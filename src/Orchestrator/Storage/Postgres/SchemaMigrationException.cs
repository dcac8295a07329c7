namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>A migration script failed: a defect in the script, not an outage. The node stops.</summary>
public sealed class SchemaMigrationException : Exception
{
    public SchemaMigrationException()
    {
    }

    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static SchemaMigrationException ForScript(string? script, Exception? error) =>
        new($"Schema migration {script ?? "(unknown script)"} failed: {error?.Message}", error ?? new InvalidOperationException("DbUp reported no error"))
        {
            Script = script,
        };

    /// <summary>The script that failed, when known.</summary>
    public string? Script { get; private init; }
}
