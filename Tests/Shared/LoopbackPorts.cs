using System.Net;
using System.Net.Sockets;

namespace Vsr.Tests.Shared;

/// <summary>Free loopback ports, picked by the OS.</summary>
internal static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports nothing listens on right now: every listener stays open until all are
    /// read, so none is handed out twice. Another socket may still take one before its user binds it.
    /// </summary>
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
