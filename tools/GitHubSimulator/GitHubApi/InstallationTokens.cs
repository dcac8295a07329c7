using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>
/// The installation access tokens the simulator issued, and how many API calls each one
/// authenticated: a test can see that a client fetched one token and reused it. Other tokens
/// are still accepted (the simulator does not know RunnerHub's personal tokens), just not counted.
/// </summary>
internal sealed class InstallationTokens(TimeProvider time)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>A new <c>ghs_</c> token for the installation, valid for an hour.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(long installationId)
    {
        var token = "ghs_" + RandomNumberGenerator.GetString(Alphabet, 36);
        var issued = new IssuedToken(installationId, time.GetUtcNow(), time.GetUtcNow() + Lifetime);
        _tokens[token] = issued;
        return (token, issued.ExpiresAt);
    }

    /// <summary>Counts one authenticated API call made with <paramref name="token"/>, if the simulator issued it.</summary>
    public void RecordUse(string token)
    {
        if (_tokens.TryGetValue(token, out var issued))
        {
            Interlocked.Increment(ref issued.Calls);
        }
    }

    /// <summary>Every issued token, oldest first, without the token itself.</summary>
    public IReadOnlyList<InstallationTokenView> Snapshot() =>
        [.. _tokens.Values.OrderBy(t => t.IssuedAt).Select(t => new InstallationTokenView(t.InstallationId, t.IssuedAt, t.ExpiresAt, Volatile.Read(ref t.Calls)))];

    public void Reset() => _tokens.Clear();

    private sealed class IssuedToken(long installationId, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        public int Calls;

        public long InstallationId { get; } = installationId;

        public DateTimeOffset IssuedAt { get; } = issuedAt;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;
    }
}
