using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

[Collection(MediaClipsCollection.Name)]
public sealed class ChunkTranscoderTests(TestClips clips)
{
    private static readonly EncodeOptions Encode = new(Crf: 12, Preset: "veryfast");

    [Theory]
    [InlineData("plain", 24, 24)]
    [InlineData("bframes", 36, 24)]
    [InlineData("bframes", 60, 15)]
    [InlineData("subtitled-mkv", 12, 36)]
    public async Task A_middle_chunk_becomes_exactly_its_own_frames_at_twice_the_size(string clip, int startFrame, int frameCount)
    {
        using var scratch = new ScratchDirectory();
        var source = Clip(clip);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        var chunk = new ChunkSpan(1, startFrame, frameCount);
        var output = scratch.File("chunk" + ChunkTranscoder.ChunkExtension);
        var enhancer = new NearestNeighbourEnhancer();
        var progress = new RecordingProgress();

        var outcome = await ChunkTranscoder.TranscodeAsync(source, video, chunk, enhancer, Encode, output, progress, CancellationToken.None);

        Assert.Equal(new[] { frameCount, TestClips.Width * 2, TestClips.Height * 2 }, new[] { outcome.FramesWritten, outcome.OutputWidth, outcome.OutputHeight });
        Assert.Equal(frameCount, await MediaInspector.CountDecodedFramesAsync(output));
        var stream = Assert.Single(await MediaInspector.StreamsAsync(output));
        Assert.Equal(("video", TestClips.Width * 2, TestClips.Height * 2), (stream.Type, stream.Width, stream.Height));
        Assert.Equal(Enumerable.Range(startFrame, frameCount), await MediaInspector.FrameNumbersAsync(output, TestClips.Width * 2, TestClips.Height * 2));
        Assert.Equal(Enumerable.Range(1, frameCount), progress.Values);
        Assert.All(enhancer.BatchSizes.SkipLast(1), size => Assert.Equal(enhancer.PreferredBatchSize, size));
    }

    [Fact]
    public async Task Cancelling_mid_chunk_kills_both_ffmpeg_processes_and_deletes_the_output()
    {
        using var scratch = new ScratchDirectory();
        // A private copy of the source puts the scratch path on both ffmpeg command lines, so their PIDs can be found.
        var source = scratch.File("source.mp4");
        File.Copy(clips.BFrames, source);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        var output = scratch.File("chunk" + ChunkTranscoder.ChunkExtension);
        var enhancer = new BlockingEnhancer();
        using var cancellation = new CancellationTokenSource();

        var transcode = ChunkTranscoder.TranscodeAsync(
            source, video, new ChunkSpan(0, 0, video.FrameCount), enhancer, Encode, output, null, cancellation.Token);
        await enhancer.FirstBatchDone.WaitAsync(TimeSpan.FromMinutes(2));
        var children = ProcessesMentioning(scratch.Path);
        Assert.Equal(2, children.Count);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transcode);
        Assert.All(children, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"ffmpeg {pid} is still running"));
        Assert.False(File.Exists(output), "the partial chunk was left behind");
    }

    [Fact]
    public async Task A_source_with_fewer_frames_than_the_chunk_fails_and_leaves_no_output()
    {
        using var scratch = new ScratchDirectory();
        var video = await VideoProbe.ProbeAsync(clips.Plain, CancellationToken.None);
        var claimsMore = video with { FrameCount = video.FrameCount + 5 };
        var output = scratch.File("chunk" + ChunkTranscoder.ChunkExtension);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ChunkTranscoder.TranscodeAsync(
            clips.Plain, claimsMore, new ChunkSpan(6, 72, 8), new NearestNeighbourEnhancer(), Encode, output, null, CancellationToken.None));

        Assert.Contains("decoded 3 frames", error.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task An_encoder_failure_carries_what_ffmpeg_said()
    {
        using var scratch = new ScratchDirectory();
        var video = await VideoProbe.ProbeAsync(clips.Plain, CancellationToken.None);
        var output = scratch.File("chunk" + ChunkTranscoder.ChunkExtension);

        var error = await Assert.ThrowsAsync<FfmpegException>(() => ChunkTranscoder.TranscodeAsync(
            clips.Plain, video, new ChunkSpan(0, 0, 12), new NearestNeighbourEnhancer(), Encode with { Preset = "no-such-preset" }, output, null, CancellationToken.None));

        Assert.Contains("no-such-preset", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(output));
    }

    private string Clip(string name) => name switch
    {
        "plain" => clips.Plain,
        "bframes" => clips.BFrames,
        "subtitled-mkv" => clips.Subtitled,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>PIDs of processes whose command line contains <paramref name="text"/>.</summary>
    private static List<int> ProcessesMentioning(string text)
    {
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != Environment.ProcessId)
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(text, StringComparison.Ordinal))
                    {
                        pids.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
                catch (UnauthorizedAccessException)
                {
                    // Not ours.
                }
            }
        }

        return pids;
    }

    private sealed class RecordingProgress : IProgress<int>
    {
        private readonly List<int> values = [];

        public IReadOnlyList<int> Values
        {
            get
            {
                lock (values)
                {
                    return [.. values];
                }
            }
        }

        public void Report(int value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
