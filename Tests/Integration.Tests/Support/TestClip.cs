using System.Diagnostics;
using System.Globalization;

namespace Vsr.Integration.Tests.Support;

/// <summary>Makes small test videos with ffmpeg (testsrc2 pattern, H.264, keyframe every <c>gop</c> frames).</summary>
public static class TestClip
{
    public static async Task MakeAsync(string path, int width, int height, double seconds, int gop = 12)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-v", "error", "-y", "-f", "lavfi",
            "-i", string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={width}x{height}:rate=25:duration={seconds}"),
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", gop.ToString(CultureInfo.InvariantCulture), path,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        var stderr = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, stderr);
    }
}
