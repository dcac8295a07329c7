using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace RunnerHub.ServiceDefaults;

/// <summary>Runs a process and turns invalid configuration into one clear message and exit code 2.</summary>
public static class ConfigurationErrors
{
    /// <summary>Exit code of a process that refused to start because of its configuration.</summary>
    public const int ExitCode = 2;

    /// <summary>
    /// Runs <paramref name="app"/> until it stops. If start-up options validation fails, prints
    /// every problem at once to standard error and returns <see cref="ExitCode"/>.
    /// </summary>
    public static async Task<int> RunOrReportConfigurationErrorsAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Read before running: a host that failed to start has disposed its services.
        var name = app.Environment.ApplicationName;
        try
        {
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync($"{name}: configuration is invalid, refusing to start:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            await Console.Error.WriteLineAsync("Settings come from appsettings.json, environment variables (Section__Key) and --Section:Key=value arguments.");
            return ExitCode;
        }
    }

    /// <summary>Every validation failure inside <paramref name="exception"/>, however it is wrapped.</summary>
    public static IReadOnlyList<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Failures)],
        _ => [],
    };
}
