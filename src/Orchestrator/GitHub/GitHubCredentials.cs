using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RunnerHub.Orchestrator.GitHub;

/// <summary>
/// The bearer token for a call: the configured token, or, as a GitHub App, an installation token
/// for the repository's owner, cached until five minutes before it expires (they last an hour).
/// One fetch per owner at a time: the dispatcher fills a runner's slots concurrently, and each
/// of those calls finding the cache cold must not fetch a token of its own.
/// </summary>
internal sealed partial class GitHubCredentials(IOptions<GitHubOptions> options, TimeProvider time, ILogger<GitHubCredentials> logger) : IDisposable
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, AccessTokenResponse> _installationTokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fetches = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<RSA> _key = new(() =>
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(options.Value.PrivateKeyPath!));
        return rsa;
    });

    public async ValueTask<string> GetTokenAsync(HttpClient http, string repository, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.Token))
        {
            return options.Value.Token;
        }

        var owner = repository.Split('/')[0];
        if (Cached(owner) is { } token)
        {
            return token;
        }

        var fetch = _fetches.GetOrAdd(owner, _ => new SemaphoreSlim(1, 1));
        await fetch.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the gate before may have fetched it already.
            if (Cached(owner) is { } fetched)
            {
                return fetched;
            }

            var jwt = AppJwt();
            var installation = await SendAsync<InstallationResponse>(http, HttpMethod.Get, $"repos/{repository}/installation", GitHubMetrics.GetInstallation, jwt, cancellationToken);
            var fresh = await SendAsync<AccessTokenResponse>(http, HttpMethod.Post, $"app/installations/{installation.Id}/access_tokens", GitHubMetrics.CreateInstallationToken, jwt, cancellationToken);
            _installationTokens[owner] = fresh;
            LogInstallationToken(logger, owner, installation.Id, fresh.ExpiresAt);
            return fresh.Token;
        }
        finally
        {
            fetch.Release();
        }
    }

    private string? Cached(string owner) =>
        _installationTokens.TryGetValue(owner, out var cached) && cached.ExpiresAt - time.GetUtcNow() > RefreshBefore ? cached.Token : null;

    /// <summary>The App's own JWT (RS256, issued a minute in the past against clock drift, valid nine minutes).</summary>
    internal string AppJwt()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.AppId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IssuedAt = now.AddSeconds(-60),
            NotBefore = now.AddSeconds(-60),
            Expires = now.AddMinutes(9),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key.Value), SecurityAlgorithms.RsaSha256),
        });
    }

    private static async Task<T> SendAsync<T>(HttpClient http, HttpMethod method, string path, string operation, string jwt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Options.Set(GitHubMetrics.OperationKey, operation);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new GitHubApiException((int)response.StatusCode, $"GitHub App authentication failed: {method} {path} answered {(int)response.StatusCode}");
        }

        var typeInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)GitHubJsonContext.Default.GetTypeInfo(typeof(T))!;
        return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken)
            ?? throw new GitHubApiException((int)response.StatusCode, $"{method} {path} answered an empty body");
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }

        foreach (var fetch in _fetches.Values)
        {
            fetch.Dispose();
        }
    }

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Fetched a GitHub App installation token for {Owner} (installation {InstallationId}), valid until {ExpiresAt}")]
    private static partial void LogInstallationToken(ILogger logger, string owner, long installationId, DateTimeOffset expiresAt);
}
