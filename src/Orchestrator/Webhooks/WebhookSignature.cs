using System.Security.Cryptography;
using System.Text;

namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>
/// GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body
/// bytes, keyed with the webhook secret. Compared in constant time so the answer's timing says
/// nothing about how much of a forged signature was right.
/// </summary>
internal sealed class WebhookSignature(string secret)
{
    private const string Prefix = "sha256=";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);

    /// <summary>True when <paramref name="header"/> is a valid signature of <paramref name="body"/>.</summary>
    public bool IsValid(string? header, ReadOnlySpan<byte> body)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + (2 * HMACSHA256.HashSizeInBytes))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != given.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The header value for <paramref name="body"/>: what GitHub (or the simulator) sends.</summary>
    public string Sign(ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, body));
}
