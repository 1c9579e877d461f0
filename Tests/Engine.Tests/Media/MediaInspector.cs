using System.Globalization;
using System.Text.Json;
using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>Independent checks of what the engine wrote: decoded frame counts, stream layout and per-frame grey levels.</summary>
public static class MediaInspector
{
    /// <summary>Frames of the first video stream, counted by decoding every one of them.</summary>
    public static async Task<int> CountDecodedFramesAsync(string path)
    {
        var output = await ProbeAsync(["-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]);
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    public static async Task<IReadOnlyList<StreamSummary>> StreamsAsync(string path)
    {
        var json = await ProbeAsync(["-show_entries", "stream=codec_type,codec_name,width,height,duration", "-of", "json", path]);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("streams").EnumerateArray().Select(stream => new StreamSummary(
            Text(stream, "codec_type"),
            Text(stream, "codec_name"),
            stream.TryGetProperty("width", out var w) ? w.GetInt32() : 0,
            stream.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
            double.TryParse(Text(stream, "duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null)).ToList();
    }

    /// <summary>
    /// The source frame number each frame shows, read from the two grey patches <see cref="TestClips"/> draws, in
    /// display order. A margin around each patch is left out so scaling and chroma subsampling at its edges do not count.
    /// </summary>
    public static async Task<int[]> FrameNumbersAsync(string path, int width, int height)
    {
        string[] arguments = ["-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-"];
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, CancellationToken.None);
        ffmpeg.Input.Close();
        var numbers = new List<int>();
        var frame = new byte[width * height];
        while (await ffmpeg.Output.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false) == frame.Length)
        {
            var low = Digit(PatchMean(frame, width, height, top: true));
            var high = Digit(PatchMean(frame, width, height, top: false));
            numbers.Add((high * TestClips.PatchBase) + low);
        }

        await ffmpeg.WaitForSuccessAsync(CancellationToken.None);
        return [.. numbers];
    }

    /// <summary>What ffprobe reports for <paramref name="entries"/> (e.g. <c>stream=sample_aspect_ratio</c>) of the first video stream; empty when absent.</summary>
    public static async Task<string> VideoStreamFieldAsync(string path, string entries) =>
        (await ProbeAsync(["-select_streams", "v:0", "-show_entries", entries, "-of", "csv=p=0", path])).Trim();

    /// <summary>Every frame of the first video stream as ffmpeg decodes it (upright), one grey byte per pixel.</summary>
    /// <param name="filters">A <c>-vf</c> chain to run the frames through first, for a reference made by hand.</param>
    public static Task<List<byte[]>> GreyFramesAsync(string path, int width, int height, string? filters = null) =>
        RawFramesAsync(path, "gray", width * height, filters);

    /// <summary>Every frame of the first video stream as ffmpeg decodes it (upright), packed RGB24 (the BT.709 matrix for YUV).</summary>
    public static Task<List<byte[]>> RgbFramesAsync(string path, int width, int height) =>
        RawFramesAsync(path, "rgb24", width * height * 3, filters: null);

    private static async Task<List<byte[]>> RawFramesAsync(string path, string pixelFormat, int frameSize, string? filters)
    {
        string[] arguments =
        [
            "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", .. filters is null ? Array.Empty<string>() : ["-vf", filters],
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pixelFormat, "-",
        ];
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, CancellationToken.None);
        ffmpeg.Input.Close();
        var frames = new List<byte[]>();
        var frame = new byte[frameSize];
        while (await ffmpeg.Output.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false) == frame.Length)
        {
            frames.Add(frame);
            frame = new byte[frameSize];
        }

        await ffmpeg.WaitForSuccessAsync(CancellationToken.None);
        return frames;
    }

    private static double PatchMean(byte[] frame, int width, int height, bool top)
    {
        var margin = width / 16;
        var firstRow = top ? margin : (height / 2) + margin;
        var lastRow = top ? (height / 2) - margin : height - margin;
        long sum = 0;
        var count = 0;
        for (var y = firstRow; y < lastRow; y++)
        {
            for (var x = margin; x < (width / 2) - margin; x++)
            {
                sum += frame[(y * width) + x];
                count++;
            }
        }

        return (double)sum / count;
    }

    private static int Digit(double level) =>
        Enumerable.Range(0, TestClips.PatchBase + 2).MinBy(digit => Math.Abs(TestClips.PatchLevel(digit) - level));

    private static Task<string> ProbeAsync(string[] arguments) =>
        FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffprobe, ["-v", "error", .. arguments], CancellationToken.None);

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
}
