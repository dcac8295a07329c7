using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using RunnerHub.ProxyRunner.Connection;

namespace RunnerHub.ProxyRunner.UnitTests.Connection;

public sealed class ConnectionFaultTests
{
    public static TheoryData<Exception> DroppedMidCall => new()
    {
        // What scripts/chaos saw stop a proxy runner: the orchestrator killed during a heartbeat.
        new WebSocketException(WebSocketError.ConnectionClosedPrematurely),
        new IOException("The remote party closed the connection"),
        new TaskCanceledException("Invocation canceled due to the underlying connection being closed."),
        new HubException("An unexpected error occurred invoking 'JobExited' on the server."),
        new InvalidOperationException("The 'InvokeCoreAsync' method cannot be called if the connection is not active"),
        new HttpRequestException("Connection refused"),
        new TimeoutException(),
    };

    [Theory]
    [MemberData(nameof(DroppedMidCall))]
    public void ACallThatFailsWithTheConnection_IsRetried_WhileTheRunnerRuns(Exception exception) =>
        Assert.True(RunnerConnection.IsConnectionFault(exception, CancellationToken.None));

    [Fact]
    public void NothingIsSwallowed_OnceTheRunnerStops()
    {
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();

        Assert.False(RunnerConnection.IsConnectionFault(new OperationCanceledException(stopping.Token), stopping.Token));
        Assert.False(RunnerConnection.IsConnectionFault(new WebSocketException(), stopping.Token));
    }

    [Fact]
    public void ADefect_IsNotTakenForAConnectionFault() =>
        Assert.False(RunnerConnection.IsConnectionFault(new FormatException("a defect"), CancellationToken.None));
}
