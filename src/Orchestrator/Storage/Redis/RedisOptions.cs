namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>How the orchestrator reaches Redis: always through the Sentinels. Section <c>Redis</c>.</summary>
public sealed class RedisOptions
{
    /// <summary>Configuration section: <c>Redis</c>.</summary>
    public const string SectionName = "Redis";

    /// <summary>
    /// The Sentinels, comma-separated <c>host:port</c> pairs, for example
    /// <c>127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381</c>. Required.
    /// </summary>
    public string Sentinels { get; set; } = "";

    /// <summary>The master name the Sentinels monitor. Default <c>runnerhub</c>.</summary>
    public string ServiceName { get; set; } = "runnerhub";

    /// <summary>Password of the Redis servers and the Sentinels (both use the same). Optional.</summary>
    public string? Password { get; set; }

    /// <summary>Prefix of every key this cluster writes. Default <c>runnerhub:</c>.</summary>
    public string KeyPrefix { get; set; } = "runnerhub:";

    /// <summary>How long one connect attempt may take. Default 2 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause between attempts while the first connect fails (doubling up to 10 s). Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Parses <see cref="Sentinels"/> into host and port pairs; invalid entries are skipped (the validator reports them).</summary>
    internal IReadOnlyList<(string Host, int Port)> ParseSentinels() =>
        [.. Sentinels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(TryParseEndpoint)
            .Where(e => e is not null)
            .Select(e => e!.Value)];

    internal static (string Host, int Port)? TryParseEndpoint(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0
            && int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536
            ? (value[..colon], port)
            : null;
    }
}
