namespace RunnerHub.Orchestrator.Operators;

/// <summary>Operator token names: who or what holds the token, for example <c>alice</c> or <c>prometheus</c>.</summary>
internal static class OperatorTokenNames
{
    /// <summary>The name of the principal the break-glass <see cref="OperatorOptions.Token"/> signs in as.</summary>
    public const string BreakGlass = "operator";

    /// <summary>1-100 characters, no spaces or control characters (like runner names).</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 100 && !name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

    /// <summary>The least length of a token the CLI registers from a file.</summary>
    public const int MinTokenLength = 16;
}
