using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RunnerHub.ServiceDefaults.UnitTests;

public class HealthResponseWriterTests
{
    [Fact]
    public async Task WriteAsync_WritesStatusAndEveryCheckWithData()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["postgres"] = new(HealthStatus.Healthy, "primary answers", TimeSpan.FromMilliseconds(3), null, new Dictionary<string, object> { ["primary"] = "127.0.0.1:5432" }),
                ["redis"] = new(HealthStatus.Unhealthy, "down", TimeSpan.FromMilliseconds(1), new InvalidOperationException("refused"), null),
            },
            TimeSpan.FromMilliseconds(4));

        await HealthResponseWriter.WriteAsync(context, report);

        context.Response.Body.Position = 0;
        using var json = await JsonDocument.ParseAsync(context.Response.Body);
        var root = json.RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("status").GetString());
        Assert.Equal("127.0.0.1:5432", root.GetProperty("checks").GetProperty("postgres").GetProperty("data").GetProperty("primary").GetString());
        Assert.Equal("refused", root.GetProperty("checks").GetProperty("redis").GetProperty("error").GetString());
        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
    }
}
