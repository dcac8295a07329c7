using Microsoft.Extensions.Options;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>Reports every problem of the <c>Execution</c> section at once. Checks the shape only: the runner directory may appear later.</summary>
internal sealed class ExecutionOptionsValidator : IValidateOptions<ExecutionOptions>
{
    private static readonly TimeSpan MaxKillTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, ExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RunnerDirectory))
        {
            failures.Add("Execution:RunnerDirectory is required (the actions-runner directory holding run.sh).");
        }

        if (!CommandTemplate.TryParse(options.Command, out _, out var commandErrors))
        {
            failures.AddRange(commandErrors.Select(e => $"Execution:Command '{options.Command}' is not valid: {e}"));
        }

        if (options.LogDirectory is { Length: > 0 } logs && string.IsNullOrWhiteSpace(logs))
        {
            failures.Add("Execution:LogDirectory must be a path, or empty for <Runner:StateDirectory>/jobs.");
        }

        if (options.KillTimeout <= TimeSpan.Zero || options.KillTimeout > MaxKillTimeout)
        {
            failures.Add($"Execution:KillTimeout {options.KillTimeout} must be more than 0 and at most {MaxKillTimeout}.");
        }

        foreach (var key in options.Environment.Keys)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                failures.Add($"Execution:Environment has an invalid variable name '{key}' (empty, or contains '=' or NUL).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
