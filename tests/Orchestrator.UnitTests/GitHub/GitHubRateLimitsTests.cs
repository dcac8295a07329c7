using System.Net;
using System.Net.Http.Headers;
using RunnerHub.Orchestrator.GitHub;

namespace RunnerHub.Orchestrator.UnitTests.GitHub;

public class GitHubRateLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TooManyRequests_WithRetryAfter_WaitsThatLong()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        Assert.True(GitHubRateLimits.IsRateLimited(response));
        Assert.Equal(TimeSpan.FromSeconds(7), GitHubRateLimits.Delay(response, Now));
    }

    [Fact]
    public void Forbidden_WithNoRemainingQuota_WaitsUntilTheReset()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.Add("x-ratelimit-remaining", "0");
        response.Headers.Add("x-ratelimit-reset", Now.AddSeconds(20).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(GitHubRateLimits.IsRateLimited(response));
        Assert.Equal(TimeSpan.FromSeconds(20), GitHubRateLimits.Delay(response, Now));
    }

    [Fact]
    public void APlainForbidden_IsNotARateLimit()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.Add("x-ratelimit-remaining", "4999");

        Assert.False(GitHubRateLimits.IsRateLimited(response));
        Assert.Null(GitHubRateLimits.Delay(response, Now));
    }

    [Fact]
    public void Delay_IsCappedAtAMinute_AndNeverNegative()
    {
        using var late = new HttpResponseMessage(HttpStatusCode.Forbidden);
        late.Headers.Add("x-ratelimit-remaining", "0");
        late.Headers.Add("x-ratelimit-reset", Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var past = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        past.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(-5));

        Assert.Equal(TimeSpan.FromMinutes(1), GitHubRateLimits.Delay(late, Now));
        Assert.Equal(TimeSpan.Zero, GitHubRateLimits.Delay(past, Now));
    }

    [Fact]
    public void OptionsValidator_WantsATokenOrAnApp_NotBoth()
    {
        var validator = new GitHubOptionsValidator();

        Assert.True(validator.Validate(null, new GitHubOptions { Token = "t" }).Succeeded);
        Assert.Contains(validator.Validate(null, new GitHubOptions()).Failures!, f => f.Contains("GitHub:Token", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(null, new GitHubOptions { Token = "t", AppId = 1, PrivateKeyPath = "/nonexistent" }).Failures!, f => f.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(null, new GitHubOptions { AppId = 1, PrivateKeyPath = "/nonexistent.pem" }).Failures!, f => f.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(null, new GitHubOptions { Token = "t", ApiBaseUrl = "not a url" }).Failures!, f => f.Contains("GitHub:ApiBaseUrl", StringComparison.Ordinal));
    }
}
