using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Checks a cron expression with Hangfire's own parser, so configuration is refused at start
/// rather than when the recurring job is registered. Hangfire keeps its parser internal;
/// <see cref="RecurringJobManager.AddOrUpdate(string, Job, string, RecurringJobOptions)"/> parses
/// the expression before it touches storage, so a storage that only records that it was reached
/// tells "parsed" from "refused" without a database.
/// </summary>
internal static class HangfireCron
{
    /// <summary>Why Hangfire refuses <paramref name="cron"/>; null when it accepts it.</summary>
    public static string? Problem(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "it is empty";
        }

        var storage = new ParseOnlyStorage();
        try
        {
            new RecurringJobManager(storage).AddOrUpdate("cron-check", Job.FromExpression(() => Nothing()), cron, new RecurringJobOptions());
        }
        catch (InvalidOperationException) when (storage.Reached)
        {
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.InnerException?.Message ?? ex.Message;
        }

        return null;
    }

    /// <summary>The job the check pretends to schedule; never runs.</summary>
    public static void Nothing()
    {
    }

    private sealed class ParseOnlyStorage : JobStorage
    {
        public bool Reached { get; private set; }

        public override IMonitoringApi GetMonitoringApi() => throw Stop();

        public override IStorageConnection GetConnection() => throw Stop();

        private InvalidOperationException Stop()
        {
            Reached = true;
            return new InvalidOperationException("cron check: the expression parsed; no storage behind this");
        }
    }
}
