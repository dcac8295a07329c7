using System.Security.Cryptography;
using System.Text;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// Random bearer secrets (registration tokens, runner credentials): 256 bits, base64url, with a
/// prefix that says what they are (<c>rhr_</c>, <c>rhc_</c>, <c>rho_</c>) so a leaked one is recognisable in
/// a log scanner. Stored only as SHA-256.
/// </summary>
internal static class Secrets
{
    public const string RegistrationTokenPrefix = "rhr_";
    public const string CredentialPrefix = "rhc_";
    public const string OperatorTokenPrefix = "rho_";

    public static string New(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time comparison of a presented secret with an expected one (both hashed first, so lengths match).</summary>
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));
}
