using System.Globalization;
using Vsr.Train.Data;

namespace Vsr.Train.Evaluation;

/// <summary>A held-out clip and the frames of it that are evaluated.</summary>
public sealed record HeldOutClip(string Name, string Package, string PathInPackage)
{
    public static IReadOnlyList<HeldOutClip> All { get; } =
        HeldOutData.Videos.Select(v => new HeldOutClip(Path.GetFileName(v.PathInPackage), v.Package, v.PathInPackage)).ToArray();

    /// <summary>Decodes the frames at <paramref name="indices"/> (0-based, in decode order).</summary>
    public List<RgbImage> Frames(string cacheDirectory, IReadOnlyList<int> indices)
    {
        var path = DebianPackage.Fetch(Package, cacheDirectory).PathOf(PathInPackage);
        var probe = System.Text.Encoding.ASCII.GetString(FfmpegPipe.Run(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path], null, "ffprobe")).Trim().Split(',');
        var (w, h) = (int.Parse(probe[0], CultureInfo.InvariantCulture), int.Parse(probe[1], CultureInfo.InvariantCulture));
        var select = string.Join('+', indices.Select(i => $"eq(n\\,{i})"));
        var raw = FfmpegPipe.Run(["-i", path, "-vf", $"select='{select}'", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
        var size = w * h * 3;
        var frames = Enumerable.Range(0, raw.Length / size).Select(i => new RgbImage(w, h, raw.AsSpan(i * size, size).ToArray())).ToList();
        return frames.Count == indices.Count ? frames : throw new InvalidDataException($"{Name}: asked for {indices.Count} frames, decoded {frames.Count}");
    }

    /// <summary>How many frames ffmpeg decodes from the clip.</summary>
    public int FrameCount(string cacheDirectory)
    {
        var path = DebianPackage.Fetch(Package, cacheDirectory).PathOf(PathInPackage);
        var text = System.Text.Encoding.ASCII.GetString(FfmpegPipe.Run(
            ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path], null, "ffprobe"));
        return int.Parse(text.Trim().Split(',')[0], CultureInfo.InvariantCulture);
    }
}
