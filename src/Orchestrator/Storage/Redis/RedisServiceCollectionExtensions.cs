using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Storage.Redis;

internal static class RedisServiceCollectionExtensions
{
    public static IServiceCollection AddRedisStorage(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<IRedisConnection>(sp => sp.GetRequiredService<RedisConnection>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.TryAddSingleton<RedisTopologyProbe>();
        return services;
    }
}
