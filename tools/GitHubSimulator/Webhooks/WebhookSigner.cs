using System.Security.Cryptography;
using System.Text;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>GitHub's webhook signatures: HMAC hex digests of the exact body bytes, keyed with the webhook secret.</summary>
internal static class WebhookSigner
{
    /// <summary><c>X-Hub-Signature-256</c>: <c>sha256=</c> and the lower-case hex HMAC-SHA256.</summary>
    public static string Sha256(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// <c>X-Hub-Signature</c>: the legacy HMAC-SHA1 header GitHub still sends beside the SHA-256
    /// one. A receiver should ignore it; sending it checks that it does.
    /// </summary>
#pragma warning disable CA5350 // GitHub's legacy header is HMAC-SHA1 by definition; it is sent, never trusted.
    public static string Sha1(string secret, ReadOnlySpan<byte> body) =>
        "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), body));
#pragma warning restore CA5350
}
