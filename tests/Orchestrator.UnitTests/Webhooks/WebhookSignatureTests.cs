using System.Security.Cryptography;
using System.Text;
using RunnerHub.Orchestrator.Webhooks;

namespace RunnerHub.Orchestrator.UnitTests.Webhooks;

public class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome."}""");

    [Fact]
    public void IsValid_AcceptsGitHubsSignature()
    {
        // Computed independently of WebhookSignature, the way GitHub documents it.
        var header = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("It's a Secret to Everybody"), Body));

        Assert.True(new WebhookSignature("It's a Secret to Everybody").IsValid(header, Body));
    }

    [Fact]
    public void IsValid_MatchesGitHubsDocumentedExample()
    {
        // docs.github.com "Validating webhook deliveries": secret and payload below give this signature.
        var signature = new WebhookSignature("It's a Secret to Everybody");

        Assert.True(signature.IsValid("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", Encoding.UTF8.GetBytes("Hello, World!")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1=0123")]
    [InlineData("sha256=zz07ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18")]
    public void IsValid_RejectsMissingMalformedOrWrongSignatures(string? header)
    {
        Assert.False(new WebhookSignature("It's a Secret to Everybody").IsValid(header, Encoding.UTF8.GetBytes("Hello, World!")));
    }

    [Fact]
    public void IsValid_RejectsABodyChangedByOneByte()
    {
        var signature = new WebhookSignature("secret-secret-secret");
        var header = signature.Sign(Body);
        var tampered = (byte[])Body.Clone();
        tampered[^2] ^= 1;

        Assert.True(signature.IsValid(header, Body));
        Assert.False(signature.IsValid(header, tampered));
    }
}
