using System.Security.Claims;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>A verified operator: the token's name and the hash of the token it presented.</summary>
internal sealed record OperatorIdentity(string Name, byte[] TokenHash)
{
    /// <summary>Claim with the base64url SHA-256 of the token a session was issued for (the cookie is encrypted).</summary>
    public const string TokenHashClaim = "runnerhub:operator_token";

    public const string Role = "operator";

    public ClaimsPrincipal ToPrincipal(string authenticationType) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, Name),
                new Claim(ClaimTypes.Role, Role),
                new Claim(TokenHashClaim, Base64Url(TokenHash)),
            ],
            authenticationType));

    /// <summary>The token hash of a session principal, or null when it has none (or a malformed one).</summary>
    public static byte[]? TokenHashOf(ClaimsPrincipal? principal)
    {
        var value = principal?.FindFirst(TokenHashClaim)?.Value;
        if (value is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (value.Length % 4)) % 4));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
