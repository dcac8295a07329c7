namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Operator tokens, stored as SHA-256 hashes only (<see cref="Runners.Secrets.Hash"/>). A name may
/// hold several active tokens; <see cref="RevokeAsync"/> revokes all of them.
/// </summary>
internal interface IOperatorTokenStore
{
    /// <summary>Registers <paramref name="tokenHash"/> under <paramref name="name"/>; idempotent for the same name.</summary>
    Task<OperatorTokenRegistration> RegisterAsync(byte[] tokenHash, string name, CancellationToken cancellationToken);

    /// <summary>
    /// The name of the active (not revoked) token with this hash, or null. Records the use in
    /// <c>last_used_at</c> at most once a minute.
    /// </summary>
    Task<string?> VerifyAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Every token, active ones first, by name; never the hashes.</summary>
    Task<IReadOnlyList<OperatorTokenInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes every active token of <paramref name="name"/>; the number revoked.</summary>
    Task<int> RevokeAsync(string name, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IOperatorTokenStore.RegisterAsync"/> did.</summary>
internal enum OperatorTokenRegistration
{
    /// <summary>A new token.</summary>
    Created,

    /// <summary>This token was already registered, active, under the same name: nothing changed.</summary>
    AlreadyRegistered,

    /// <summary>This token is registered under another name: refused.</summary>
    OtherName,

    /// <summary>This token was registered and revoked: a revoked token is never accepted again.</summary>
    Revoked,
}

/// <summary>An operator token as <c>operator-token list</c> shows it.</summary>
internal sealed record OperatorTokenInfo(string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
