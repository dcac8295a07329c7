namespace RunnerHub.Orchestrator.Operators;

/// <summary>The authorization policy of every operator endpoint: the operator token, nothing else.</summary>
internal static class OperatorPolicy
{
    public const string Name = "operator";
}
