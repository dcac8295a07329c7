using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Runners;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Checks an operator token: the break-glass <see cref="OperatorOptions.Token"/> (constant-time),
/// else the database by hash. Positive answers are kept in memory for <see cref="CacheFor"/>, so
/// a bearer request costs a database round trip at most every 30 s per token; the price is that
/// a revoked token still works on a node that saw it in the last 30 s. Unknown tokens are not
/// cached (a new token works at once).
/// </summary>
internal sealed class OperatorTokenVerifier(IOperatorTokenStore store, SchemaState schema, IOptions<OperatorOptions> options, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private const int PruneAbove = 1024;

    private readonly ConcurrentDictionary<string, (string Name, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly byte[]? _breakGlassHash = options.Value.Token.Length > 0 ? Secrets.Hash(options.Value.Token) : null;

    /// <summary>Whether database tokens can be checked yet (the schema is migrated); before, only the break-glass token is known.</summary>
    public bool CanCheckDatabase => schema.IsReady;

    public Task<OperatorIdentity?> VerifyAsync(string token, CancellationToken cancellationToken) =>
        VerifyHashAsync(Secrets.Hash(token), cancellationToken);

    public async Task<OperatorIdentity?> VerifyHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        if (_breakGlassHash is not null && CryptographicOperations.FixedTimeEquals(tokenHash, _breakGlassHash))
        {
            return new OperatorIdentity(OperatorTokenNames.BreakGlass, tokenHash);
        }

        if (!schema.IsReady)
        {
            // The table may not exist yet; only the break-glass token works this early.
            return null;
        }

        var key = Convert.ToBase64String(tokenHash);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return new OperatorIdentity(cached.Name, tokenHash);
        }

        var name = await store.VerifyAsync(tokenHash, cancellationToken);
        if (name is null)
        {
            _cache.TryRemove(key, out _);
            return null;
        }

        if (_cache.Count > PruneAbove)
        {
            foreach (var (k, v) in _cache)
            {
                if (v.Until <= now)
                {
                    _cache.TryRemove(k, out _);
                }
            }
        }

        _cache[key] = (name, now + CacheFor);
        return new OperatorIdentity(name, tokenHash);
    }
}
