using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vsr.Cluster.Tests.Support;

/// <summary>Facts about a video file read independently of the product's own probe, straight from ffprobe.</summary>
public sealed record MediaFacts(int Width, int Height, int VideoFrames, int AudioStreams, int SubtitleStreams, double VideoDuration)
{
    /// <summary>The video stream's codec name, pixel format and codec tag, as ffprobe names them.</summary>
    public (string Codec, string PixelFormat, string Tag) VideoCoding { get; init; } = ("", "", "");

    public static async Task<MediaFacts> ReadAsync(string path)
    {
        using var json = JsonDocument.Parse(await RunAsync("ffprobe", "-v", "error", "-count_packets", "-show_streams", "-of", "json", path));
        var streams = json.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var video = streams.First(s => s.GetProperty("codec_type").GetString() == "video");
        var duration = video.TryGetProperty("duration", out var d) ? double.Parse(d.GetString()!, CultureInfo.InvariantCulture) : double.NaN;
        return new MediaFacts(
            video.GetProperty("width").GetInt32(),
            video.GetProperty("height").GetInt32(),
            int.Parse(video.GetProperty("nb_read_packets").GetString()!, CultureInfo.InvariantCulture),
            streams.Count(s => s.GetProperty("codec_type").GetString() == "audio"),
            streams.Count(s => s.GetProperty("codec_type").GetString() == "subtitle"),
            duration)
        {
            VideoCoding = (video.GetProperty("codec_name").GetString()!, video.GetProperty("pix_fmt").GetString()!, video.GetProperty("codec_tag_string").GetString()!),
        };
    }

    /// <summary>
    /// Makes a test clip: testsrc2 (or another lavfi <paramref name="pattern"/>) video with a sine tone, keyframes every <paramref name="gop"/> frames. With
    /// <paramref name="grain"/>, strong temporal noise over the pattern, which reads as camera footage rather than graphics.
    /// </summary>
    public static async Task<string> MakeClipAsync(string path, int width, int height, double seconds, int fps = 25, int gop = 12, bool grain = false,
        string pattern = "testsrc2")
    {
        var s = seconds.ToString(CultureInfo.InvariantCulture);
        await RunAsync("ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", $"{pattern}{(pattern.Contains('=') ? ':' : '=')}size={width}x{height}:rate={fps}:duration={s}{(grain ? ",noise=alls=30:allf=t" : "")}",
            "-f", "lavfi", "-i", $"sine=frequency=440:duration={s}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", gop.ToString(CultureInfo.InvariantCulture), "-keyint_min", "1",
            "-c:a", "aac", "-shortest", path);
        return path;
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }
}
