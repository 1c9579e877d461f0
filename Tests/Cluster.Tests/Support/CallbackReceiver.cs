using System.Collections.Concurrent;
using System.Net;
using Vsr.Tests.Shared;

namespace Vsr.Cluster.Tests.Support;

/// <summary>A local HTTP endpoint that answers each POST with the next scripted status (the last one repeats) and keeps what it got.</summary>
public sealed class CallbackReceiver : IDisposable
{
    private readonly HttpListener _listener;
    private readonly HttpStatusCode[] _answers;
    private readonly Task _loop;

    public CallbackReceiver(params HttpStatusCode[] answers)
    {
        _answers = answers;
        (_listener, Url) = LoopbackHttpListener.Start("/hook/");
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<Post> Received { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers;
            Received.Enqueue(new Post(headers["webhook-id"] ?? "", headers["webhook-timestamp"] ?? "", headers["webhook-signature"] ?? "", body.ToArray()));
            context.Response.StatusCode = (int)_answers[Math.Min(Received.Count, _answers.Length) - 1];
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    public sealed record Post(string Id, string Timestamp, string Signature, byte[] Body);
}
