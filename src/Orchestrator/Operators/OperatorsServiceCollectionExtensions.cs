using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Operators;

internal static class OperatorsServiceCollectionExtensions
{
    /// <summary>Data Protection application name: every node must use the same one to read the others' cookies.</summary>
    public const string ApplicationName = "RunnerHub";

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    /// <summary>Data Protection's start-up preload of the key ring (internal to the framework, hence the name).</summary>
    private const string DataProtectionPreload = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// Operator authentication: bearer tokens (database, or the break-glass configured one), the
    /// browser session cookie (keys shared through PostgreSQL), and the operator policy, which is
    /// also the fallback policy: an endpoint that is not explicitly anonymous needs an operator.
    /// </summary>
    public static IServiceCollection AddOperators(this IServiceCollection services)
    {
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperatorOptions>, OperatorOptionsValidator>());
        services.TryAddSingleton<IOperatorTokenStore, PostgresOperatorTokenStore>();
        services.TryAddSingleton<OperatorTokenVerifier>();
        services.TryAddSingleton<OperatorCookieEvents>();
        services.TryAddSingleton<LoginThrottle>();

        services.TryAddSingleton<PostgresXmlRepository>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository>((o, repository) => o.XmlRepository = repository);
        services.AddHostedService<SessionKeyBootstrap>();

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(OperatorAuthenticationHandler.SchemeName, null)
            .AddCookie(OperatorPolicy.CookieScheme, o =>
            {
                o.Cookie.Name = OperatorPolicy.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = SessionLifetime;
                o.SlidingExpiration = true;
                o.LoginPath = LoginEndpoints.LoginPath;
                o.LogoutPath = LoginEndpoints.LogoutPath;
                o.ReturnUrlParameter = "returnUrl";
                o.EventsType = typeof(OperatorCookieEvents);
            })
            .AddPolicyScheme(OperatorPolicy.Scheme, "Operator token or session", o =>
                o.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0
                    ? OperatorAuthenticationHandler.SchemeName
                    : OperatorPolicy.CookieScheme);

        var policy = new AuthorizationPolicyBuilder(OperatorPolicy.Scheme).RequireRole(OperatorIdentity.Role).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy.Name, policy)
            .SetFallbackPolicy(policy);

        return services;
    }

    /// <summary>
    /// Data Protection preloads the key ring as the host starts, before this node can have
    /// migrated the schema: the repository refuses until then, and the preload logged that as an
    /// error on every start. <see cref="SessionKeyBootstrap"/> loads the ring once the schema is
    /// ready. Call it after every registration: anything that adds Data Protection (cookie
    /// authentication, the web host's defaults) registers the preload again.
    /// </summary>
    public static IServiceCollection WithoutKeyRingPreload(this IServiceCollection services)
    {
        foreach (var preload in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == DataProtectionPreload).ToList())
        {
            services.Remove(preload);
        }

        return services;
    }
}
