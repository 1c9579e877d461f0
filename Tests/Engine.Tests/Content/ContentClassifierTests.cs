using System.Diagnostics;
using Vsr.Engine.Content;
using Vsr.Engine.Media;
using Vsr.Engine.Tests.Media;

namespace Vsr.Engine.Tests.Content;

public sealed class ContentClassifierTests
{
    private const int Width = 64;
    private const int Height = 48;

    [Fact]
    public void Flat_painted_areas_read_as_animation()
    {
        // Four uniform quadrants with hard edges, like cel paint.
        var frame = Paint((x, y) => (x < Width / 2, y < Height / 2) switch
        {
            (true, true) => (200, 40, 40),
            (true, false) => (40, 200, 40),
            (false, true) => (40, 40, 200),
            _ => (230, 230, 230),
        });

        var analysis = ContentClassifier.Classify([frame, frame], Width, Height);

        Assert.Equal(ContentKind.Animation, analysis.Kind);
        Assert.True(analysis.FlatFraction > 0.9, $"flat share {analysis.FlatFraction}");
        Assert.Equal(2, analysis.FramesSampled);
    }

    [Fact]
    public void Sensor_like_noise_reads_as_live_action_even_over_a_smooth_gradient()
    {
        var random = new Random(7);
        var frame = Paint((x, _) =>
        {
            var level = 60 + (2 * x) + random.Next(-6, 7);
            return (level, level, level);
        });

        var analysis = ContentClassifier.Classify([frame], Width, Height);

        Assert.Equal(ContentKind.Live, analysis.Kind);
        Assert.True(analysis.FlatFraction < 0.2, $"flat share {analysis.FlatFraction}");
    }

    [Fact]
    public void The_threshold_decides()
    {
        var frame = Paint((x, _) => x < Width / 2 ? (10, 10, 10) : (x * 3, x * 3, x * 3));
        var flat = ContentClassifier.FlatFraction(frame, Width, Height);

        Assert.Equal(ContentKind.Animation, ContentClassifier.Classify([frame], Width, Height, flat - 0.01).Kind);
        Assert.Equal(ContentKind.Live, ContentClassifier.Classify([frame], Width, Height, flat + 0.01).Kind);
    }

    [Fact]
    public void A_frame_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ContentClassifier.FlatFraction(new byte[10], Width, Height));
    }

    [Fact]
    public async Task Sampled_frames_are_spread_over_the_video_and_decoded_whole()
    {
        using var scratch = new ScratchDirectory();
        var clip = scratch.File("ramp.mp4");
        // 50 frames whose luma is the frame number times 5: the samples' levels tell which frames they are.
        RunFfmpeg("-f", "lavfi", "-i", "color=c=black:size=32x16:rate=25:duration=2", "-vf", "geq=lum='N*5':cb=128:cr=128",
            "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", clip);
        var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);

        var frames = await FrameSampler.SampleAsync(clip, video, 5, CancellationToken.None);

        Assert.Equal(5, frames.Count);
        Assert.All(frames, f => Assert.Equal(32 * 16 * 3, f.Length));
        // Frames 5, 15, 25, 35, 45: limited-range luma 5N expands to RGB (5N - 16) * 255 / 219.
        int[] expected = [5, 15, 25, 35, 45];
        for (var i = 0; i < expected.Length; i++)
        {
            var level = frames[i][((8 * 32) + 16) * 3];
            Assert.InRange(level, ((5 * expected[i]) - 16) * 255 / 219.0 - 3, ((5 * expected[i]) - 16) * 255 / 219.0 + 3);
        }
    }

    [Fact]
    public async Task With_a_keyframe_in_every_stretch_each_sample_is_the_keyframe_before_it()
    {
        using var scratch = new ScratchDirectory();
        var clip = scratch.File("ramp-gop10.mp4");
        // The same ramp with a keyframe every 10 frames: samples at 5, 15, .. 45 seek to the keyframes 0, 10, .. 40.
        RunFfmpeg("-f", "lavfi", "-i", "color=c=black:size=32x16:rate=25:duration=2", "-vf", "geq=lum='N*5':cb=128:cr=128",
            "-c:v", "libx264", "-qp", "0", "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", "-pix_fmt", "yuv444p", clip);
        var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);
        Assert.Equal([0, 10, 20, 30, 40], video.KeyframeIndices);

        var frames = await FrameSampler.SampleAsync(clip, video, 5, CancellationToken.None);

        Assert.Equal(5, frames.Count);
        int[] expected = [0, 10, 20, 30, 40];
        for (var i = 0; i < expected.Length; i++)
        {
            var level = frames[i][((8 * 32) + 16) * 3];
            var rgb = Math.Max(0, ((5 * expected[i]) - 16) * 255 / 219.0);
            Assert.InRange(level, rgb - 3, rgb + 3);
        }
    }

    [Theory]
    [InlineData(250, false)]
    [InlineData(10, true)]
    public async Task Sampled_runs_are_consecutive_frames_from_each_sample_on(int keyframeInterval, bool seeksToKeyframes)
    {
        using var scratch = new ScratchDirectory();
        var clip = scratch.File("ramp-runs.mp4");
        RunFfmpeg("-f", "lavfi", "-i", "color=c=black:size=32x16:rate=25:duration=2", "-vf", "geq=lum='N*5':cb=128:cr=128",
            "-c:v", "libx264", "-qp", "0", "-g", $"{keyframeInterval}", "-keyint_min", $"{keyframeInterval}", "-sc_threshold", "0", "-pix_fmt", "yuv444p", clip);
        var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);

        var runs = await FrameSampler.SampleRunsAsync(clip, video, 5, 3, CancellationToken.None);

        // One pass picks frames 5-7, 15-17, ..; with a keyframe every 10 frames each run starts at the keyframe before.
        int[] starts = seeksToKeyframes ? [0, 10, 20, 30, 40] : [5, 15, 25, 35, 45];
        Assert.Equal(5, runs.Count);
        for (var r = 0; r < runs.Count; r++)
        {
            Assert.Equal(3, runs[r].Length);
            for (var i = 0; i < 3; i++)
            {
                var rgb = Math.Max(0, ((5 * (starts[r] + i)) - 16) * 255 / 219.0);
                Assert.InRange(runs[r][i][((8 * 32) + 16) * 3], rgb - 3, rgb + 3);
            }
        }
    }

    [Fact]
    public async Task A_run_stops_where_the_next_starts_and_at_the_last_frame()
    {
        using var scratch = new ScratchDirectory();
        var clip = scratch.File("ramp-short.mp4");
        RunFfmpeg("-f", "lavfi", "-i", "color=c=black:size=32x16:rate=25:duration=0.4", "-vf", "geq=lum='N*5+40':cb=128:cr=128",
            "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", clip);
        var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);
        Assert.Equal(10, video.FrameCount);

        // Four samples of ten frames start at 1, 3, 6 and 8; runs of three would overlap and pass frame 9.
        var runs = await FrameSampler.SampleRunsAsync(clip, video, 4, 3, CancellationToken.None);

        int[][] expected = [[1, 2], [3, 4, 5], [6, 7], [8, 9]];
        Assert.Equal(expected.Select(r => r.Length), runs.Select(r => r.Length));
        for (var r = 0; r < runs.Count; r++)
        {
            for (var i = 0; i < runs[r].Length; i++)
            {
                var rgb = ((5 * expected[r][i]) + 40 - 16) * 255 / 219.0;
                Assert.InRange(runs[r][i][((8 * 32) + 16) * 3], rgb - 3, rgb + 3);
            }
        }
    }

    [Fact]
    public void A_chain_runs_the_restorer_at_the_source_size_then_the_upscaler()
    {
        var first = new NearestNeighbourEnhancer();
        var second = new NearestNeighbourEnhancer();
        var chain = new ChainedFrameEnhancer(first, second);
        var frame = Paint((x, y) => (x, y, 0));

        var output = chain.Enhance([frame], Width, Height, CancellationToken.None);

        Assert.Equal(4, chain.Scale);
        Assert.Equal(Width * 4 * Height * 4 * 3, output.Single().Length);
        Assert.Equal([1], first.BatchSizes);
        Assert.Equal([1], second.BatchSizes);
    }

    private static byte[] Paint(Func<int, int, (int R, int G, int B)> colour)
    {
        var frame = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var (r, g, b) = colour(x, y);
                var i = ((y * Width) + x) * 3;
                (frame[i], frame[i + 1], frame[i + 2]) = ((byte)Math.Clamp(r, 0, 255), (byte)Math.Clamp(g, 0, 255), (byte)Math.Clamp(b, 0, 255));
            }
        }

        return frame;
    }

    private static void RunFfmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-y" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        var errors = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, errors);
    }
}
