using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>A user's file must not make the service open what the file names (<see cref="SourceInput"/>).</summary>
public sealed class SourceInputTests : IDisposable
{
    private readonly HttpListener _server = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly string _base;

    public SourceInputTests()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _base = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }

        _server.Prefixes.Add(_base);
        _server.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>An HLS playlist, as a user could upload under any name, whose one segment is a URL inside the service's network.</summary>
    private string Playlist => $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{_base}internal-secret.ts\n#EXT-X-ENDLIST\n";

    [Fact]
    public async Task A_playlist_sent_as_a_video_is_refused_without_opening_what_it_names()
    {
        using var scratch = new ScratchDirectory();
        var local = scratch.File("holiday.mp4");
        await File.WriteAllTextAsync(local, Playlist);

        await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(local, CancellationToken.None));
        var overHttp = await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync($"{_base}upload.mp4", CancellationToken.None));

        Assert.Contains("whitelist", overHttp.Message);
        Assert.DoesNotContain("/internal-secret.ts", _requests);
        Assert.Contains("/upload.mp4", _requests);
    }

    [Fact]
    public async Task A_read_the_store_refuses_is_no_verdict_on_the_video()
    {
        var refused = await Assert.ThrowsAsync<SourceUnreadableException>(() => VideoProbe.ProbeAsync($"{_base}forbidden.mp4", CancellationToken.None));

        Assert.DoesNotContain(_base, refused.Message);
    }

    private async Task ServeAsync()
    {
        while (_server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _server.GetContextAsync();
            }
            catch (Exception) when (!_server.IsListening)
            {
                return;
            }

            _requests.Enqueue(context.Request.Url!.AbsolutePath);
            if (context.Request.Url.AbsolutePath == "/upload.mp4")
            {
                var body = Encoding.UTF8.GetBytes(Playlist);
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }
            else
            {
                context.Response.StatusCode = 403;
            }

            context.Response.Close();
        }
    }

    public void Dispose() => _server.Close();
}
