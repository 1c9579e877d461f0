using System.Net;

namespace Vsr.Tests.Shared;

/// <summary>
/// An <see cref="HttpListener"/> on a free loopback port. The port is found by binding port 0 and letting it go, so
/// another socket can take it before the listener binds it; a listener that cannot start is retried on a new port.
/// </summary>
internal static class LoopbackHttpListener
{
    /// <summary>Starts a listener for <paramref name="path"/> (such as "/" or "/hook/") and returns it with its base URL.</summary>
    public static (HttpListener Listener, string Url) Start(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free(1)[0];
            var url = $"http://127.0.0.1:{port}{path}";
            var listener = new HttpListener();
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return (listener, url);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }
}
