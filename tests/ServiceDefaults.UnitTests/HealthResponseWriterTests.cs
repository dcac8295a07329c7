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
        await using var body = new AsyncOnlyStream();
        context.Response.Body = body;
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["postgres"] = new(HealthStatus.Healthy, "primary answers", TimeSpan.FromMilliseconds(3), null, new Dictionary<string, object> { ["primary"] = "127.0.0.1:5432" }),
                ["redis"] = new(HealthStatus.Unhealthy, "down", TimeSpan.FromMilliseconds(1), new InvalidOperationException("refused"), null),
            },
            TimeSpan.FromMilliseconds(4));

        await HealthResponseWriter.WriteAsync(context, report);

        body.Written.Position = 0;
        using var json = await JsonDocument.ParseAsync(body.Written);
        var root = json.RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("status").GetString());
        Assert.Equal("127.0.0.1:5432", root.GetProperty("checks").GetProperty("postgres").GetProperty("data").GetProperty("primary").GetString());
        Assert.Equal("refused", root.GetProperty("checks").GetProperty("redis").GetProperty("error").GetString());
        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
    }

    /// <summary>Like Kestrel and TestServer: synchronous writes throw (the bug that broke /health in the test host).</summary>
    private sealed class AsyncOnlyStream : Stream
    {
        public MemoryStream Written { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written.Length;

        public override long Position { get => Written.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) =>
            throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Written.WriteAsync(buffer, cancellationToken);

        public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Written.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
