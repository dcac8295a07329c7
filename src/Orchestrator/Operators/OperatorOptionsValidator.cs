using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Operators;

internal sealed class OperatorOptionsValidator : IValidateOptions<OperatorOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorOptions options) =>
        options.Token.Length is 0 or >= OperatorTokenNames.MinTokenLength
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Operator:Token (the optional break-glass token) must be at least 16 characters when set.");
}
