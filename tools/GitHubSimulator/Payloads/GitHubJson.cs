using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RunnerHub.GitHubSimulator.Payloads;

/// <summary>JSON the way api.github.com and its webhooks write it: snake_case, compact, UTC timestamps to the second.</summary>
internal static class GitHubJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // GitHub does not escape '+', '<' or non-ASCII; the bytes are what gets signed, so match it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? Timestamp(DateTimeOffset? at) => at is { } value ? Timestamp(value) : null;
}
