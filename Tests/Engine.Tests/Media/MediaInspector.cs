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
    /// Mean grey level of the flat left half of every frame (see <see cref="TestClips"/>), in display order.
    /// A margin is left out so chroma subsampling at the edge of the flat area does not blur the level.
    /// </summary>
    public static async Task<double[]> GreyLevelsAsync(string path, int width, int height)
    {
        string[] arguments = ["-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-"];
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, CancellationToken.None);
        ffmpeg.Input.Close();
        var levels = new List<double>();
        var frame = new byte[width * height];
        var margin = width / 16;
        while (await ffmpeg.Output.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false) == frame.Length)
        {
            long sum = 0;
            for (var y = 0; y < height; y++)
            {
                for (var x = margin; x < (width / 2) - margin; x++)
                {
                    sum += frame[(y * width) + x];
                }
            }

            levels.Add((double)sum / (height * ((width / 2) - (2 * margin))));
        }

        await ffmpeg.WaitForSuccessAsync(CancellationToken.None);
        return [.. levels];
    }

    /// <summary>The index of the source frame whose grey level is closest to <paramref name="level"/>.</summary>
    public static int NearestFrame(IReadOnlyList<double> sourceLevels, double level) =>
        Enumerable.Range(0, sourceLevels.Count).MinBy(i => Math.Abs(sourceLevels[i] - level));

    private static Task<string> ProbeAsync(string[] arguments) =>
        FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffprobe, ["-v", "error", .. arguments], CancellationToken.None);

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
}
