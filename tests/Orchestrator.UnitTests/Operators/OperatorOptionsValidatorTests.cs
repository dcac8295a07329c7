using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.UnitTests.Operators;

public sealed class OperatorOptionsValidatorTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("0123456789abcdef", true)]
    [InlineData("short", false)]
    public void OptionsValidator_BreakGlassTokenIsOptional_ButLongWhenSet(string token, bool valid) =>
        Assert.Equal(valid, new OperatorOptionsValidator().Validate(null, new OperatorOptions { Token = token }).Succeeded);
}
