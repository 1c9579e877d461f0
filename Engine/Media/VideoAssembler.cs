using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Vsr.Engine.Media;

/// <summary>Joins encoded chunks in order and remuxes the source's audio and subtitle streams.</summary>
public static class VideoAssembler
{
    /// <inheritdoc cref="AssembleAsync(string, VideoInfo, IReadOnlyList{EncodedChunk}, string, ILogger, CancellationToken)"/>
    public static Task AssembleAsync(
        string sourcePath,
        VideoInfo video,
        IReadOnlyList<EncodedChunk> chunks,
        string outputPath,
        CancellationToken cancellationToken) =>
        AssembleAsync(sourcePath, video, chunks, outputPath, NullLogger.Instance, cancellationToken);

    /// <summary>
    /// Writes <paramref name="outputPath"/> (its extension picks the container) from the chunks plus every audio and
    /// subtitle stream of <paramref name="sourcePath"/> that the container can carry (and, in Matroska, the attached
    /// fonts). The result has exactly the source's frame count.
    /// </summary>
    /// <remarks>
    /// Chunks are joined with ffmpeg's concat demuxer and copied, not re-encoded. The list file it reads is written
    /// next to the output and always deleted. The joined frames are counted afterwards (from packets, no decode), and
    /// an output with the wrong count is deleted and reported rather than delivered. A subtitle stream the container
    /// cannot hold in any form is left out, with a warning on <paramref name="logger"/>, rather than failing the job.
    /// </remarks>
    public static async Task AssembleAsync(
        string sourcePath,
        VideoInfo video,
        IReadOnlyList<EncodedChunk> chunks,
        string outputPath,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        if (chunks.Count == 0)
        {
            throw new ArgumentException("There are no chunks to assemble.", nameof(chunks));
        }

        var subtitles = ContainerRules.Subtitles(video, outputPath);
        var streamArguments = ContainerRules.StreamArguments(video, subtitles, outputPath);
        foreach (var ordinal in Enumerable.Range(0, video.SubtitleCodecs.Count).Except(subtitles.Select(s => s.Ordinal)))
        {
            logger.LogWarning(
                "Subtitle stream {Ordinal} ({Codec}) of {Source} is left out: {Container} cannot hold it",
                ordinal, video.SubtitleCodecs[ordinal], Path.GetFileName(sourcePath), Path.GetExtension(outputPath));
        }

        if (video.AudioStreamsLeftOut > 0)
        {
            logger.LogWarning("{Count} audio stream(s) of {Source} are left out: they carry no sound (no samples were found in them)",
                video.AudioStreamsLeftOut, Path.GetFileName(sourcePath));
        }

        var output = Path.GetFullPath(outputPath);
        var listPath = Path.Combine(
            Path.GetDirectoryName(output) ?? ".",
            $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.concat.txt");
        var succeeded = false;
        try
        {
            await File.WriteAllTextAsync(listPath, ConcatList(video, chunks), cancellationToken);
            var arguments = new List<string> { "-hide_banner", "-nostats", "-v", "error", "-nostdin" };
            arguments.AddRange(VideoDelay(video));
            // The source is opened with the probe's wider look, so that a stream the probe kept for sound that starts
            // late has its parameters here too (without them a copied stream stops the muxer).
            arguments.AddRange(["-f", "concat", "-safe", "0", "-i", listPath, .. SourceInput.LocalFile, .. SourceInput.WideLook, "-i", sourcePath]);
            arguments.AddRange(["-map", "0:v", .. streamArguments, "-map_metadata", "1", "-map_chapters", "1"]);
            arguments.AddRange(["-c:v", "copy", "-y", output]);
            await FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffmpeg, arguments, cancellationToken);

            var written = await PacketIndex.ReadAsync(output, streamIndex: 0, cancellationToken);
            if (written.FrameCount != video.FrameCount)
            {
                throw new InvalidDataException($"The assembled video has {written.FrameCount} frames; the source has {video.FrameCount}.");
            }

            succeeded = true;
        }
        finally
        {
            if (File.Exists(listPath))
            {
                File.Delete(listPath);
            }

            if (!succeeded && File.Exists(output))
            {
                File.Delete(output);
            }
        }
    }

    /// <summary>
    /// What the output, in the container <see cref="ChooseExtension"/> picks, does to the source's audio and subtitle
    /// streams besides copying them (streams left out or converted), in words for the job's user.
    /// </summary>
    public static IReadOnlyList<string> StreamChanges(VideoInfo video) =>
        ContainerRules.StreamChanges(video, "output" + ChooseExtension(video));

    /// <summary>The container the output should use for this source (<c>.mp4</c>, or <c>.mkv</c> when streams need it).</summary>
    public static string ChooseExtension(VideoInfo video)
    {
        ArgumentNullException.ThrowIfNull(video);
        return video.SubtitleCodecs.Any(ContainerRules.IsBitmapSubtitle) ? ".mkv" : ".mp4";
    }

    /// <summary>
    /// Chunks start at 0, but the source's first frame may come after its container start (B-frame delay, a
    /// transport stream's offset). Shifting the joined video by the same amount keeps audio and subtitles in sync.
    /// </summary>
    private static IEnumerable<string> VideoDelay(VideoInfo video)
    {
        if (video.KeyframePts.Count == 0)
        {
            return [];
        }

        var firstFrameTicks = (long)((Int128)video.KeyframePts[0] * video.TimeBaseNumerator * TimeSpan.TicksPerSecond / video.TimeBaseDenominator);
        var delay = TimeSpan.FromTicks(firstFrameTicks) - video.StartTime;
        return delay > TimeSpan.Zero
            ? ["-itsoffset", delay.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture)]
            : [];
    }

    /// <summary>
    /// The concat demuxer's list: absolute paths, quoted, with <c>'</c> escaped as that format requires. Each file's
    /// <c>duration</c> is where the next chunk starts in the source, so gaps in a variable-rate source's timing are
    /// kept instead of closed up.
    /// </summary>
    private static string ConcatList(VideoInfo video, IReadOnlyList<EncodedChunk> chunks)
    {
        var list = new StringBuilder();
        foreach (var chunk in chunks)
        {
            var path = Path.GetFullPath(chunk.Path);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException("A chunk to assemble does not exist.", path);
            }

            var micros = ChunkTiming.For(video, chunk.Span).ChunkMicros;
            list.Append("file '").Append(path.Replace("'", @"'\''", StringComparison.Ordinal)).Append("'\n");
            list.Append(CultureInfo.InvariantCulture, $"duration {micros / 1_000_000}.{micros % 1_000_000:D6}\n");
        }

        return list.ToString();
    }
}
