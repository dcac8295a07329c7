namespace RunnerHub.Orchestrator.Operators;

/// <summary>Who may use the operator pages and API. Section <c>Operator</c>.</summary>
public sealed class OperatorOptions
{
    /// <summary>Configuration section: <c>Operator</c>.</summary>
    public const string SectionName = "Operator";

    /// <summary>
    /// Optional break-glass operator token (default empty: none). Operators normally use tokens
    /// created with <c>operator-token create</c>, stored hashed in PostgreSQL. This one works
    /// even before the schema is migrated and cannot be revoked except by removing it from the
    /// configuration of every node; keep it unset unless locked out. When set, at least 16
    /// characters. Its principal is named <c>operator</c>.
    /// </summary>
    public string Token { get; set; } = "";
}
