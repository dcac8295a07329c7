using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>
/// Makes sure the shared Data Protection key ring has a key before this node issues a session
/// cookie. Left to itself, Data Protection makes an immediately active key on first use when it
/// finds none, and nodes that start together would each make their own; a node only re-reads
/// the ring about once a day, so for that day it would refuse cookies the others issued. Here
/// the nodes take turns under a PostgreSQL advisory lock, and the first makes the one key.
/// Later keys are made two days before the current one expires, which every node sees in time.
/// </summary>
internal sealed class SessionKeyBootstrap(
    IKeyManager keys,
    IDataProtectionProvider protection,
    PostgresXmlRepository repository,
    SchemaState schema,
    TimeProvider time,
    ILogger<SessionKeyBootstrap> logger) : BackgroundService
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                // Loads the ring now rather than on the first sign-in (what Data Protection's
                // own start-up preload would have done).
                protection.CreateProtector(nameof(SessionKeyBootstrap)).Protect("warm-up");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SessionKeyCheckFailed(logger, attempt, ex.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), time, stoppingToken);
        }
    }

    /// <summary>Creates a key, activated now, when the ring has none that is active now.</summary>
    internal Task RunOnceAsync(CancellationToken cancellationToken) =>
        repository.RunExclusiveAsync(
            () =>
            {
                var now = time.GetUtcNow();
                if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
                {
                    keys.CreateNewKey(now, now + KeyLifetime);
                    Log.SessionKeyCreated(logger);
                }
            },
            cancellationToken);
}
