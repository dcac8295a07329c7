using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Operators;

internal sealed class OperatorOptionsValidator : IValidateOptions<OperatorOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorOptions options) =>
        options.Token.Length >= 16
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Operator:Token is required and must be at least 16 characters: the operator API is never open.");
}
