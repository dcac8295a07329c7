using System.Net;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>Asks every configured Sentinel which master it sees, and one of them for the replicas.</summary>
internal sealed class RedisTopologyProbe(IRedisConnection redis)
{
    public async Task<RedisTopology> ProbeAsync(CancellationToken cancellationToken)
    {
        var options = redis.Options;
        var sentinels = redis.Sentinels;
        if (sentinels is null)
        {
            var unreachable = options.ParseSentinels()
                .Select(e => new RedisSentinel($"{e.Host}:{e.Port}", false, null, "not connected yet"))
                .ToList();
            return new RedisTopology(options.ServiceName, false, null, false, [], unreachable);
        }

        var answers = await Task.WhenAll(options.ParseSentinels().Select(e => AskSentinelAsync(sentinels, options.ServiceName, e.Host, e.Port)));
        var masters = answers.Where(a => a.Master is not null).Select(a => a.Master).Distinct().ToList();
        var master = masters.Count == 1 ? masters[0] : answers.FirstOrDefault(a => a.Master is not null)?.Master;

        IReadOnlyList<RedisReplica> replicas = [];
        var reachable = answers.FirstOrDefault(a => a.Reachable);
        if (reachable is not null)
        {
            try
            {
                var server = sentinels.GetServer(reachable.Address);
                var rows = await server.SentinelReplicasAsync(options.ServiceName).WaitAsync(cancellationToken);
                replicas = [.. rows.Select(ToReplica)];
            }
            catch (RedisException)
            {
                // The Sentinel went away between the two questions; report no replicas this time.
            }
        }

        return new RedisTopology(
            options.ServiceName,
            redis.IsConnected,
            master,
            masters.Count == 1 && answers.All(a => a.Master is not null),
            replicas,
            answers);
    }

    private static async Task<RedisSentinel> AskSentinelAsync(IConnectionMultiplexer sentinels, string serviceName, string host, int port)
    {
        var address = $"{host}:{port}";
        try
        {
            var server = sentinels.GetServer(host, port);
            var endpoint = await server.SentinelGetMasterAddressByNameAsync(serviceName);
            return new RedisSentinel(address, true, Format(endpoint), null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ArgumentException)
        {
            return new RedisSentinel(address, false, null, ex.Message);
        }
    }

    private static RedisReplica ToReplica(KeyValuePair<string, string>[] fields)
    {
        string? Get(string key) => fields.FirstOrDefault(f => f.Key == key).Value;
        return new RedisReplica($"{Get("ip")}:{Get("port")}", Get("flags") ?? "", Get("master-link-status"));
    }

    private static string? Format(EndPoint? endpoint) => endpoint switch
    {
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => null,
        _ => endpoint.ToString(),
    };
}
