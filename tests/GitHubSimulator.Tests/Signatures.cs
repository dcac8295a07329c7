using System.Security.Cryptography;
using System.Text;

namespace RunnerHub.GitHubSimulator.Tests;

/// <summary>The signature check a webhook receiver makes, written here independently of the simulator's signer.</summary>
public static class Signatures
{
    public static string ExpectedSha256(byte[] body, string secret = SimulatorHost.Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verifies(ReceivedWebhook webhook, string secret = SimulatorHost.Secret) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(webhook.Headers.GetValueOrDefault("X-Hub-Signature-256", "")),
            Encoding.ASCII.GetBytes(ExpectedSha256(webhook.Body, secret)));
}
