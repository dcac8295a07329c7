using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Storage.Redis;

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var failures = new List<string>();
        var entries = options.Sentinels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            failures.Add("Redis:Sentinels is required: comma-separated host:port of the Sentinels (the orchestrator never connects to a Redis server directly).");
        }

        failures.AddRange(entries
            .Where(e => RedisOptions.TryParseEndpoint(e) is null)
            .Select(e => $"Redis:Sentinels entry '{e}' is not host:port."));

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add("Redis:ServiceName is required (the master name the Sentinels monitor).");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            failures.Add("Redis:KeyPrefix must not be empty.");
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(100) || options.ConnectTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Redis:ConnectTimeout {options.ConnectTimeout} must be between 100 ms and 1 minute.");
        }

        if (options.ReconnectDelay < TimeSpan.FromMilliseconds(10) || options.ReconnectDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Redis:ReconnectDelay {options.ReconnectDelay} must be between 10 ms and 1 minute.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
