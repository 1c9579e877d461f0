using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Vsr.Engine.Media;
using Vsr.Tests.Shared;

namespace Vsr.Engine.Tests.Media;

/// <summary>A user's file must not make the service open what the file names (<see cref="SourceInput"/>).</summary>
public sealed class SourceInputTests : IDisposable
{
    private readonly HttpListener _server;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly string _base;

    public SourceInputTests()
    {
        (_server, _base) = LoopbackHttpListener.Start("/");
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

    [Fact]
    public async Task A_read_cut_short_is_no_verdict_on_the_video_either()
    {
        using var scratch = new ScratchDirectory();
        var clip = scratch.File("whole.mp4");
        var ffmpeg = System.Diagnostics.Process.Start("ffmpeg",
            ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "10", clip])!;
        await ffmpeg.WaitForExitAsync();
        _video = await File.ReadAllBytesAsync(clip);

        // The store sends half of the file and drops the connection, then refuses to go on from there.
        var cut = await Assert.ThrowsAsync<SourceUnreadableException>(() => VideoProbe.ProbeAsync($"{_base}cut.mp4", CancellationToken.None));

        Assert.DoesNotContain(_base, cut.Message);
        Assert.Contains("/cut.mp4", _requests);
    }

    private byte[] _video = [];

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
            try
            {
                await AnswerAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away mid-answer (ffprobe gives up on a cut read); the next request is served as usual.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        if (path == "/cut.mp4" && context.Request.Headers["Range"] is null or "bytes=0-")
        {
            context.Response.ContentLength64 = _video.Length;
            await context.Response.OutputStream.WriteAsync(_video.AsMemory(0, _video.Length / 2));
            context.Response.Abort();
            return;
        }

        if (path == "/upload.mp4")
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

    public void Dispose() => _server.Close();
}
