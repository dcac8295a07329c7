using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace RunnerHub.ServiceDefaults;

/// <summary>
/// What every RunnerHub process shares: logging, metrics, health endpoints and the SIGTERM drain.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of health checks that say the process answers at all.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of health checks that say the process can do useful work now.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds console logging, OpenTelemetry metrics with a Prometheus exporter, the liveness and
    /// drain health checks, and the drain-on-stop behaviour.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The service name reported with every metric.</param>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("RunnerHub.*")
                .AddPrometheusExporter());

        builder.Services.AddOptions<DrainOptions>()
            .BindConfiguration(DrainOptions.SectionName)
            .Validate(o => o.Delay >= TimeSpan.Zero && o.Delay < TimeSpan.FromMinutes(5), "Drain:Delay must be between 0 and 5 minutes.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<DrainState>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<DrainOnStop>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("the process answers"), [LiveTag])
            .AddCheck<DrainHealthCheck>("draining", tags: [ReadyTag]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c>, <c>/health/ready</c>, their aliases <c>/healthz</c> and
    /// <c>/readyz</c>, and the Prometheus scrape endpoint <c>/metrics</c>. The health endpoints
    /// are open even where a fallback authorization policy protects everything else (the
    /// orchestrator); <c>/metrics</c> follows the process's fallback policy.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var live = Options(c => c.Tags.Contains(LiveTag));
        var ready = Options(c => c.Tags.Contains(ReadyTag));
        app.MapHealthChecks("/health/live", live).AllowAnonymous();
        app.MapHealthChecks("/healthz", live).AllowAnonymous();
        app.MapHealthChecks("/health/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/readyz", ready).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Health check options that answer with the JSON body of <see cref="HealthResponseWriter"/>.</summary>
    public static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthResponseWriter.WriteAsync,
        AllowCachingResponses = false,
    };
}
