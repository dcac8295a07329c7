namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>Redis could not be reached yet: the caller answers 503, or leaves the work for the reconciler.</summary>
public sealed class RedisUnavailableException : Exception
{
    public RedisUnavailableException()
        : base("Redis is not reachable through the Sentinels yet.")
    {
    }

    public RedisUnavailableException(string message)
        : base(message)
    {
    }

    public RedisUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
