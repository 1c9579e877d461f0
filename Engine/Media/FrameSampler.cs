using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>
/// Decodes a few frames spread evenly over a video, as packed RGB24, for analysis: one frame at each spread position, or
/// a run of consecutive frames starting there (<see cref="SampleRunsAsync"/>), for measures of change from frame to frame.
/// When the video has a keyframe in each of the spread positions' stretches, each sample starts at the keyframe at or
/// before its position, reached by a seek: a handful of frames are decoded whatever the video's length. Otherwise (few
/// keyframes, or no timestamps to seek by) one pass picks the exact frames, decoding up to the last of them.
/// </summary>
public static class FrameSampler
{
    public static async Task<List<byte[]>> SampleAsync(string path, VideoInfo video, int count, CancellationToken cancellationToken) =>
        (await SampleRunsAsync(path, video, count, 1, cancellationToken)).Select(run => run[0]).ToList();

    /// <summary>
    /// Up to <paramref name="count"/> runs of up to <paramref name="runLength"/> consecutive frames each; a run is cut
    /// short where the video ends, and a run that holds no frame is left out.
    /// </summary>
    /// <exception cref="InvalidVideoException">No frame could be decoded.</exception>
    public static async Task<List<byte[][]>> SampleRunsAsync(string path, VideoInfo video, int count, int runLength, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(runLength, 1);
        var indices = Enumerable.Range(0, Math.Min(count, video.FrameCount))
            .Select(i => (int)((i + 0.5) * video.FrameCount / Math.Min(count, video.FrameCount)))
            .Distinct()
            .ToList();
        var keyframes = KeyframesAtOrBefore(video, indices);
        var starts = keyframes is null ? indices : keyframes.Select(k => video.KeyframeIndices[k]).ToList();
        // A run stops where the next one starts, so that no frame is measured twice.
        var lengths = starts.Select((start, i) => i + 1 < starts.Count ? Math.Min(runLength, starts[i + 1] - start) : runLength).ToList();
        var runs = keyframes is null
            ? await DecodeSelectedAsync(path, video, indices, lengths, cancellationToken)
            : await DecodeKeyframesAsync(path, video, keyframes, lengths, cancellationToken);
        runs.RemoveAll(run => run.Length == 0);
        return runs.Count > 0 ? runs : throw new InvalidVideoException($"No frame could be decoded from {Path.GetFileName(path)} for analysis.");
    }

    /// <summary>The ordinals of the keyframes at or before each index, or null when two indices would share one.</summary>
    internal static List<int>? KeyframesAtOrBefore(VideoInfo video, IReadOnlyList<int> indices)
    {
        if (video.KeyframePts.Count != video.KeyframeIndices.Count || video.KeyframeIndices.Count < indices.Count)
        {
            return null;
        }

        var ordinals = new List<int>(indices.Count);
        foreach (var index in indices)
        {
            var ordinal = -1;
            for (var k = 0; k < video.KeyframeIndices.Count && video.KeyframeIndices[k] <= index; k++)
            {
                ordinal = k;
            }

            if (ordinal < 0 || ordinals.Contains(ordinal))
            {
                return null;
            }

            ordinals.Add(ordinal);
        }

        return ordinals;
    }

    private static async Task<List<byte[][]>> DecodeKeyframesAsync(string path, VideoInfo video, List<int> keyframes, List<int> lengths,
        CancellationToken cancellationToken)
    {
        var runs = new List<byte[][]>(keyframes.Count);
        foreach (var (keyframe, runLength) in keyframes.Zip(lengths))
        {
            var (seek, trim) = ChunkCommandLines.SeekTo(video, keyframe);
            string[] arguments =
            [
                "-nostdin", "-v", "error", .. seek,
                .. ChunkCommandLines.DecoderOptions(video),
                "-i", path, "-map", $"0:{video.VideoStreamIndex.ToString(CultureInfo.InvariantCulture)}",
                "-frames:v", runLength.ToString(CultureInfo.InvariantCulture),
                .. AsChunksSeeIt(video, [trim]), "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
            ];
            runs.Add([.. await ReadFramesAsync(arguments, video, runLength, cancellationToken)]);
        }

        return runs;
    }

    /// <summary>
    /// One pass over the video that keeps the frames of every run. An interlaced video is deinterlaced before the frames
    /// are picked, so that each is deinterlaced with its own neighbours, as in a chunk.
    /// </summary>
    private static async Task<List<byte[][]>> DecodeSelectedAsync(string path, VideoInfo video, List<int> starts, List<int> lengths,
        CancellationToken cancellationToken)
    {
        var wanted = starts.Zip(lengths).SelectMany(run => Enumerable.Range(run.First, run.Second)).Where(i => i < video.FrameCount).Distinct().Order().ToList();
        var select = $"select='{string.Join('+', wanted.Select(i => string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{i})")))}'";
        List<string> filters = video.IsInterlaced ? [.. ChunkCommandLines.PictureFilters(video), select] : [select, .. ChunkCommandLines.PictureFilters(video)];
        string[] arguments =
        [
            "-nostdin", "-v", "error", .. ChunkCommandLines.DecoderOptions(video),
            "-i", path, "-map", $"0:{video.VideoStreamIndex.ToString(CultureInfo.InvariantCulture)}",
            "-vf", string.Join(',', filters), "-fps_mode", "passthrough",
            "-frames:v", wanted.Count.ToString(CultureInfo.InvariantCulture), "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ];
        var decoded = await ReadFramesAsync(arguments, video, wanted.Count, cancellationToken);
        // The frames come out in order; a video shorter than its frame count leaves the last ones out.
        var byIndex = wanted.Zip(decoded).ToDictionary(pair => pair.First, pair => pair.Second);
        return starts.Zip(lengths)
            .Select(run => Enumerable.Range(run.First, run.Second).TakeWhile(byIndex.ContainsKey).Select(i => byIndex[i]).ToArray())
            .ToList();
    }

    /// <summary>
    /// The <c>-vf</c> that makes the sampled frames look as the chunk decoder delivers them to the model; it goes with
    /// <see cref="ChunkCommandLines.DecoderOptions"/> before the input.
    /// </summary>
    private static string[] AsChunksSeeIt(VideoInfo video, List<string> filters)
    {
        filters.AddRange(ChunkCommandLines.PictureFilters(video));
        return filters.Count > 0 ? ["-vf", string.Join(',', filters)] : [];
    }

    private static async Task<List<byte[]>> ReadFramesAsync(string[] arguments, VideoInfo video, int count, CancellationToken cancellationToken)
    {
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, cancellationToken);
        ffmpeg.Input.Close();
        var size = video.Width * video.Height * 3;
        var frames = new List<byte[]>();
        while (frames.Count < count)
        {
            var frame = new byte[size];
            if (await ffmpeg.Output.ReadAtLeastAsync(frame, size, throwOnEndOfStream: false, cancellationToken) < size)
            {
                break;
            }

            frames.Add(frame);
        }

        // Read away anything past the frames asked for, so that ffmpeg can exit rather than block on a full pipe.
        await FfmpegOutput.DrainAsync(ffmpeg.Output, cancellationToken);
        await ffmpeg.WaitForSuccessAsync(cancellationToken);
        return frames;
    }
}
