using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Contracts.Hub;

namespace RunnerHub.ProxyRunner.Registration;

/// <summary>
/// Gets this runner an identity: the stored one, or a new registration with the configured
/// token. Retries until it succeeds; a refused token is logged as an error and retried slowly,
/// since only a configuration change can fix it.
/// </summary>
internal sealed partial class RunnerRegistration(
    RunnerIdentityStore store,
    IHttpClientFactory httpClients,
    IOptions<RunnerOptions> options,
    TimeProvider time,
    ILogger<RunnerRegistration> logger)
{
    public const string HttpClientName = "orchestrator";

    public async Task<RunnerIdentity> EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (await store.LoadAsync(cancellationToken) is { } stored)
        {
            LogKnown(logger, stored.Name, stored.RunnerId);
            return stored;
        }

        var runner = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            if (string.IsNullOrEmpty(runner.RegistrationToken))
            {
                LogNoToken(logger, runner.Name);
                delay = TimeSpan.FromSeconds(30);
            }
            else
            {
                try
                {
                    var client = httpClients.CreateClient(HttpClientName);
                    var request = new RegisterRunnerRequest(runner.RegistrationToken, runner.Name, LabelSet.Parse(runner.Labels).Labels, runner.Slots);
                    using var response = await client.PostAsJsonAsync(new Uri(new Uri(runner.OrchestratorUrl), "/api/runners/register"), request, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        var registered = await response.Content.ReadFromJsonAsync<RegisterRunnerResponse>(cancellationToken)
                            ?? throw new HttpRequestException("empty registration answer");
                        var identity = new RunnerIdentity(registered.RunnerId, runner.Name, registered.Credential);
                        await store.SaveAsync(identity, cancellationToken);
                        LogRegistered(logger, runner.Name, identity.RunnerId);
                        return identity;
                    }

                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
                    {
                        LogRefused(logger, runner.Name, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
                        delay = TimeSpan.FromSeconds(30);
                    }
                    else
                    {
                        LogRetrying(logger, attempt, $"HTTP {(int)response.StatusCode}");
                        delay = Backoff.Delay(attempt, Random.Shared);
                    }
                }
                catch (HttpRequestException ex)
                {
                    LogRetrying(logger, attempt, ex.Message);
                    delay = Backoff.Delay(attempt, Random.Shared);
                }
            }

            await Task.Delay(delay, time, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Runner {Name} uses its stored identity {RunnerId}")]
    private static partial void LogKnown(ILogger logger, string name, Guid runnerId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Runner {Name} registered as {RunnerId}")]
    private static partial void LogRegistered(ILogger logger, string name, Guid runnerId);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "Runner {Name} has no identity and no Runner:RegistrationToken: ask an operator for one (POST /api/runners/registration-tokens)")]
    private static partial void LogNoToken(ILogger logger, string name);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "Registration of runner {Name} refused with {StatusCode}: {Reason}. Check Runner:RegistrationToken; retrying in 30 s")]
    private static partial void LogRefused(ILogger logger, string name, int statusCode, string reason);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Registration attempt {Attempt} failed ({Reason}); retrying")]
    private static partial void LogRetrying(ILogger logger, int attempt, string reason);
}
