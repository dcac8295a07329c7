using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RunnerHub.ProxyRunner.Registration;

/// <summary>Ready only while the state directory (identity, job logs) can be written.</summary>
internal sealed class StateDirectoryHealthCheck(IOptions<RunnerOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var directory = options.Value.StateDirectory;
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, ".health");
            await File.WriteAllTextAsync(probe, DateTimeOffset.UtcNow.ToString("O"), cancellationToken);
            return HealthCheckResult.Healthy($"state directory {directory} is writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"state directory {directory} is not writable", ex);
        }
    }
}
