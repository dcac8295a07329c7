using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace RunnerHub.Orchestrator.UnitTests.Monitoring;

/// <summary>A meter factory of its own per test, so collectors see only that test's instruments.</summary>
internal sealed class TestMeters : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public MetricCollector<T> Collect<T>(string meterName, string instrumentName)
        where T : struct => new(Factory, meterName, instrumentName);

    public void Dispose() => _services.Dispose();
}
