using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Node;

internal static class NodeServiceCollectionExtensions
{
    public static IServiceCollection AddNode(this IServiceCollection services)
    {
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>());
        services.AddHostedService<NodeHeartbeat>();
        return services;
    }
}
