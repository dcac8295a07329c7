namespace RunnerHub.Orchestrator.Operators;

/// <summary>Who may use the operator API. Section <c>Operator</c>.</summary>
public sealed class OperatorOptions
{
    /// <summary>Configuration section: <c>Operator</c>.</summary>
    public const string SectionName = "Operator";

    /// <summary>
    /// The operator token, sent as <c>Authorization: Bearer &lt;token&gt;</c>. Required, at least
    /// 16 characters (<c>scripts/runnerhub</c> generates one per state directory).
    /// </summary>
    public string Token { get; set; } = "";
}
