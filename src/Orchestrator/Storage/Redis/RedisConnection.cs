using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>
/// Connects to the Redis master through the Sentinels. StackExchange.Redis's sentinel connect
/// throws when no Sentinel can name a reachable master (even with <c>abortConnect=false</c>), so
/// the first connect runs in a retry loop in the background; once connected, the multiplexer
/// follows <c>+switch-master</c> and reconnects by itself.
/// </summary>
internal sealed partial class RedisConnection(
    IOptions<RedisOptions> options,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<RedisConnection> logger) : BackgroundService, IRedisConnection
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer? _master;
    private ConnectionMultiplexer? _sentinels;

    public RedisOptions Options => options.Value;

    public bool IsConnected => _master?.IsConnected == true;

    public IConnectionMultiplexer? Sentinels => _sentinels;

    public IDatabase GetDatabase() =>
        (_master ?? throw new RedisUnavailableException()).GetDatabase();

    public Task WaitAsync(CancellationToken cancellationToken) => _connected.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.ReconnectDelay;
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await ConnectAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
            {
                LogConnectFailed(logger, attempt, ex.Message);
            }

            await Task.Delay(delay, time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var sentinels = await ConnectionMultiplexer.SentinelConnectAsync(CreateConfiguration(options.Value, node.Value.Id));
        try
        {
            var master = await ConnectionMultiplexer.ConnectAsync(CreateConfiguration(options.Value, node.Value.Id));
            cancellationToken.ThrowIfCancellationRequested();
            master.ConnectionFailed += (_, e) => LogConnectionFailed(logger, Describe(e.EndPoint), e.FailureType);
            master.ConnectionRestored += (_, e) => LogConnectionRestored(logger, Describe(e.EndPoint));
            master.ConfigurationChangedBroadcast += (_, e) => LogMasterChanged(logger, Describe(e.EndPoint));
            _sentinels = sentinels;
            _master = master;
            _connected.TrySetResult();
            LogConnected(logger, options.Value.ServiceName, Describe(master.GetEndPoints()));
        }
        catch
        {
            await sentinels.DisposeAsync();
            throw;
        }
    }

    /// <summary>The client configuration: Sentinel endpoints plus service name, never a fixed master.</summary>
    internal static ConfigurationOptions CreateConfiguration(RedisOptions options, string clientName)
    {
        var configuration = new ConfigurationOptions
        {
            ServiceName = options.ServiceName,
            Password = string.IsNullOrEmpty(options.Password) ? null : options.Password,
            AbortOnConnectFail = false,
            ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds,
            SyncTimeout = 5000,
            AsyncTimeout = 5000,
            KeepAlive = 5,
            ClientName = clientName,
            ReconnectRetryPolicy = new ExponentialRetry(250, 5000),
        };
        foreach (var (host, port) in options.ParseSentinels())
        {
            configuration.EndPoints.Add(host, port);
        }

        return configuration;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Interlocked.Exchange(ref _master, null) is { } master)
        {
            await master.CloseAsync();
            await master.DisposeAsync();
        }

        if (Interlocked.Exchange(ref _sentinels, null) is { } sentinels)
        {
            await sentinels.DisposeAsync();
        }
    }

    private static string Describe(System.Net.EndPoint? endpoint) => endpoint?.ToString() ?? "(unknown)";

    private static string Describe(System.Net.EndPoint[] endpoints) => string.Join(", ", endpoints.Select(Describe));

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Redis not reachable through the Sentinels yet (attempt {Attempt}): {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, int attempt, string reason);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Connected to Redis service {ServiceName} through the Sentinels; endpoints {Endpoints}")]
    private static partial void LogConnected(ILogger logger, string serviceName, string endpoints);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Redis connection to {Endpoint} failed: {FailureType}")]
    private static partial void LogConnectionFailed(ILogger logger, string endpoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Redis connection to {Endpoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Redis master change broadcast from {Endpoint}")]
    private static partial void LogMasterChanged(ILogger logger, string endpoint);
}
