using Microsoft.Extensions.Options;

namespace RunnerHub.ServiceDefaults.UnitTests;

public class ConfigurationErrorsTests
{
    [Fact]
    public void Failures_FlattensEveryOptionsTypeFailure()
    {
        var error = new AggregateException(
            new OptionsValidationException("Redis", typeof(object), ["a", "b"]),
            new AggregateException(new OptionsValidationException("Node", typeof(object), ["c"])));

        Assert.Equal(["a", "b", "c"], ConfigurationErrors.Failures(error));
    }

    [Fact]
    public void Failures_IsEmpty_ForOtherErrors()
    {
        Assert.Empty(ConfigurationErrors.Failures(new InvalidOperationException("port in use")));
    }
}
