using System.Diagnostics;
using Vsr.Engine.Media;

namespace Vsr.Bench;

/// <summary>Decodes a whole (short) clip into memory as RGB24 frames, so the model can be timed alone.</summary>
public static class RawFrames
{
    public static async Task<List<byte[]>> ReadAsync(string clip, VideoInfo video)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-i", clip, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        var frames = new List<byte[]>();
        var size = video.Width * video.Height * 3;
        while (true)
        {
            var frame = new byte[size];
            if (await ffmpeg.StandardOutput.BaseStream.ReadAtLeastAsync(frame, size, throwOnEndOfStream: false) < size)
            {
                break;
            }

            frames.Add(frame);
        }

        await ffmpeg.WaitForExitAsync();
        if (ffmpeg.ExitCode != 0 || frames.Count != video.FrameCount)
        {
            throw new InvalidOperationException($"Decoded {frames.Count} of {video.FrameCount} frames: {await stderr}");
        }

        return frames;
    }
}
