using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>
/// Checks the JWT a GitHub App authenticates with. Without <see cref="SimulatorOptions.AppPublicKeyPath"/>
/// it only checks the shape (three base64url parts, a header with <c>alg</c>); with it, it checks
/// what GitHub checks: an RS256 signature by that key, <c>iss</c> = the App id, <c>iat</c> in the
/// past, <c>exp</c> in the future and at most 10 minutes ahead. Written from the JWT spec
/// (RFC 7519) with no JWT library, so it does not share a bug with the client's.
/// </summary>
internal sealed class AppJwtVerifier : IDisposable
{
    private const string Undecodable = "A JSON web token could not be decoded";
    private static readonly TimeSpan MaxLifetimeAhead = TimeSpan.FromMinutes(10);

    private readonly RSA? _key;
    private readonly string _appId;
    private readonly TimeProvider _time;

    public AppJwtVerifier(IOptions<SimulatorOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.Value.AppPublicKeyPath;
        if (!string.IsNullOrEmpty(path) && !TryLoadKey(path, out _key, out var problem))
        {
            // The options validator reports this at start; this only guards a key removed since.
            throw new InvalidOperationException($"Simulator:AppPublicKeyPath {problem}");
        }

        _appId = options.Value.AppId.ToString(CultureInfo.InvariantCulture);
        _time = time;
    }

    /// <summary>True when JWTs are verified against the App's key, not just parsed.</summary>
    public bool Verifies => _key is not null;

    /// <summary>Null when <paramref name="jwt"/> authenticates the App; else GitHub's reason.</summary>
    public string? Problem(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0)
            || !TryDecodeJson(parts[0], out var header) || !TryDecodeJson(parts[1], out var payload)
            || !header.TryGetProperty("alg", out var alg))
        {
            return $"{Undecodable}. Authenticate as the GitHub App with 'Authorization: Bearer <JWT>'.";
        }

        if (_key is null)
        {
            return null;
        }

        if (alg.ValueKind != JsonValueKind.String || alg.GetString() != "RS256")
        {
            return $"{Undecodable}: GitHub Apps sign with RS256.";
        }

        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!TryDecode(parts[2], out var signature) || !_key.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return $"{Undecodable}: the signature does not match the App's public key.";
        }

        var now = _time.GetUtcNow();
        if (!payload.TryGetProperty("iss", out var iss) || iss.ValueKind is not (JsonValueKind.String or JsonValueKind.Number) || iss.ToString() != _appId)
        {
            return $"'Issuer' claim ('iss') must be the App's id ({_appId}).";
        }

        if (!TryGetTime(payload, "iat", out var issuedAt) || issuedAt > now)
        {
            return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
        }

        if (!TryGetTime(payload, "exp", out var expires) || expires <= now)
        {
            return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
        }

        return expires - now > MaxLifetimeAhead ? "'Expiration time' claim ('exp') is too far in the future." : null;
    }

    /// <summary>Reads an RSA key (public or private) from a PEM file; on failure says why.</summary>
    public static bool TryLoadKey(string path, [NotNullWhen(true)] out RSA? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"'{path}' cannot be read: {ex.Message}";
            return false;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            problem = $"'{path}' holds no RSA key in PEM form: {ex.Message}";
            return false;
        }

        key = rsa;
        problem = null;
        return true;
    }

    public void Dispose() => _key?.Dispose();

    private static bool TryGetTime(JsonElement payload, string claim, out DateTimeOffset value)
    {
        value = default;
        if (!payload.TryGetProperty(claim, out var element) || element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var seconds)
            || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static bool TryDecodeJson(string part, out JsonElement element)
    {
        element = default;
        if (!TryDecode(part, out var bytes))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryDecode(string base64Url, out byte[] bytes)
    {
        var base64 = base64Url.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            bytes = Convert.FromBase64String(base64);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
