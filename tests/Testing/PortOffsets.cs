using System.Net;
using System.Net.Sockets;

namespace RunnerHub.Testing;

/// <summary>Finds a <c>--port-offset</c> at which every port of the local stack is free.</summary>
public static class PortOffsets
{
    /// <summary>The stack's base ports, as <c>scripts/runnerhub --help</c> lists them.</summary>
    public static readonly IReadOnlyList<int> StackPorts =
    [
        5001, 5002, 5003, 5431, 5432, 5433, 6379, 6380, 7001, 7002, 8080, 8081, 8404, 9000, 26379, 26380, 26381,
    ];

    /// <summary>
    /// A random offset (a multiple of 100 between 1,000 and 6,300) whose ports are all free now.
    /// Every port stays below 32,768, where Linux's ephemeral range begins: above it, a port found
    /// free could be taken by some outgoing connection's local port before the server binds it.
    /// </summary>
    public static int FindFree()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var offset = Random.Shared.Next(10, 64) * 100;
            if (StackPorts.All(p => IsFree(p + offset)))
            {
                return offset;
            }
        }

        throw new InvalidOperationException("No port offset with all stack ports free after 200 tries.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
