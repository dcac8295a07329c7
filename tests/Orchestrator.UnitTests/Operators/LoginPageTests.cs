using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.UnitTests.Operators;

public sealed class LoginPageTests
{
    [Fact]
    public void LoginPage_EncodesTheReturnUrl_AndShowsTheError()
    {
        var html = LoginPage.Render("/x\"><script>", "bad token");
        Assert.DoesNotContain("\"><script>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"login-error\" class=\"error\" role=\"alert\">bad token<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"login-error\" class=\"error\" hidden", LoginPage.Render("/", null), StringComparison.Ordinal);
    }
}
