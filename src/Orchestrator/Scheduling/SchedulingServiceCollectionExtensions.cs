using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RunnerHub.Orchestrator.Scheduling;

internal static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire on PostgreSQL: the storage, this node's servers (the <c>default</c> queue always,
    /// the <c>leader</c> queue while it leads), the recurring jobs and retention. Hangfire's
    /// <c>AddHangfire</c> is not used: it keeps the storage and job activator in process-wide
    /// statics and builds the storage on the start-up path; here each node owns its own.
    /// </summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>());
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());

        services.TryAddSingleton<SchedulingStorage>();
        services.TryAddSingleton<HangfireServers>();
        services.TryAddSingleton<RecurringJobs>();
        services.TryAddSingleton<LeaderJobRunner>();
        services.TryAddSingleton<RetentionPurge>();
        services.TryAddTransient<RetentionJob>();
        services.AddHostedService<SchedulingHost>();

        // The dashboard's POST actions (trigger, delete, requeue) check an antiforgery token: a
        // browser that holds the operator's Basic credentials must not be driven by another site.
        services.AddAntiforgery();
        return services;
    }
}
