using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>Decodes a few frames spread evenly over a video, as packed RGB24, for analysis.</summary>
public static class FrameSampler
{
    public static async Task<List<byte[]>> SampleAsync(string path, VideoInfo video, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var indices = Enumerable.Range(0, Math.Min(count, video.FrameCount))
            .Select(i => (int)((i + 0.5) * video.FrameCount / Math.Min(count, video.FrameCount)))
            .Distinct()
            .ToList();
        var select = string.Join('+', indices.Select(i => string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{i})")));
        string[] arguments =
        [
            "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-vf", $"select='{select}'", "-fps_mode", "passthrough",
            "-frames:v", indices.Count.ToString(CultureInfo.InvariantCulture), "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ];
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, cancellationToken);
        ffmpeg.Input.Close();
        var size = video.Width * video.Height * 3;
        var frames = new List<byte[]>();
        while (frames.Count < indices.Count)
        {
            var frame = new byte[size];
            if (await ffmpeg.Output.ReadAtLeastAsync(frame, size, throwOnEndOfStream: false, cancellationToken) < size)
            {
                break;
            }

            frames.Add(frame);
        }

        await ffmpeg.WaitForSuccessAsync(cancellationToken);
        return frames.Count > 0 ? frames : throw new InvalidVideoException($"No frame could be decoded from {Path.GetFileName(path)} for analysis.");
    }
}
