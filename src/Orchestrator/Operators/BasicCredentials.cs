using System.Text;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>Reads the password of an <c>Authorization: Basic</c> header (RFC 7617: base64 of <c>user:password</c>, UTF-8).</summary>
internal static class BasicCredentials
{
    /// <summary>The password, or null when there is no Basic header or it is malformed.</summary>
    public static string? PasswordFrom(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? decoded[(colon + 1)..] : null;
    }
}
