using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;
using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.Storage.Postgres;

internal static class PostgresServiceCollectionExtensions
{
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services)
    {
        services.AddOptions<PostgresOptions>().BindConfiguration(PostgresOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>());

        services.TryAddSingleton(sp =>
        {
            // Hosted services that need the data source are built before the host validates
            // options; validate everything here first so a bad config lists every problem.
            sp.GetService<IStartupValidator>()?.Validate();
            var options = sp.GetRequiredService<IOptions<PostgresOptions>>().Value;
            var node = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            if (!PostgresConnectionString.TryNormalize(options.ConnectionString, $"runnerhub-{node.Id}", out var connectionString, out var error))
            {
                throw new OptionsValidationException(PostgresOptions.SectionName, typeof(PostgresOptions), [error]);
            }

            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });

        services.AddResiliencePipeline(PostgresDatabase.PipelineName, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<PostgresOptions>>().Value;

            // The outer timeout bounds the whole call, retries included, so a request never
            // hangs past the budget: it fails with TimeoutRejectedException and answers 503.
            pipeline
                .AddTimeout(options.RetryBudget)
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(PostgresErrors.IsTransient),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = TimeSpan.FromSeconds(2),
                    MaxRetryAttempts = 100,
                });
        });

        services.TryAddSingleton<PostgresDatabase>();
        services.TryAddSingleton<SchemaState>();
        services.TryAddSingleton<SchemaMigrator>();
        services.TryAddSingleton<DatabaseTopologyProbe>();
        services.AddHostedService<SchemaMigrationService>();
        return services;
    }
}
