using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Models;
using Vsr.Engine.Quality;
using Xunit.Abstractions;

namespace Vsr.Engine.Tests.Quality;

public sealed class UpscaleProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_upscaler_that_is_lanczos_scores_exactly_as_lanczos()
    {
        var frames = new[] { await PictureAsync("testsrc2", 96, 64), await PictureAsync("mandelbrot", 96, 64) };

        var result = await UpscaleProbe.MeasureAsync(frames, 96, 64, new ResizingEnhancer("lanczos"), CancellationToken.None);

        Assert.Equal((2, 96, 64), (result.Frames, result.Width, result.Height));
        Assert.Equal(result.Lanczos, result.Model);
        Assert.NotEqual(result.Lanczos, result.Bicubic);
        Assert.InRange(result.Lanczos.PsnrY, 15, 60);
    }

    [Fact]
    public async Task An_upscaler_that_loses_the_picture_scores_far_below_lanczos()
    {
        var frame = await PictureAsync("testsrc2", 96, 64);

        var result = await UpscaleProbe.MeasureAsync([frame], 96, 64, new GreyEnhancer(2), CancellationToken.None);

        Assert.True(result.Model.PsnrY < result.Lanczos.PsnrY - 5, $"grey {result.Model.PsnrY:F2} dB vs lanczos {result.Lanczos.PsnrY:F2} dB");
        Assert.True(result.Model.SsimY < result.Lanczos.SsimY, $"grey SSIM {result.Model.SsimY:F4} vs lanczos {result.Lanczos.SsimY:F4}");
    }

    [Fact]
    public async Task The_project_model_recovers_more_than_bicubic_on_a_natural_picture()
    {
        // The mandelbrot source's smooth gradients and sharp boundaries, downscaled from a larger render as a camera would.
        var frame = await PictureAsync("mandelbrot=size=384x256,scale=128:96:flags=area", 128, 96);
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory });
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), catalog, new InferenceOptions { IntraOpThreads = 2 }, NullLoggerFactory.Instance);

        var result = await UpscaleProbe.MeasureAsync([frame], 128, 96, device.GetEnhancer("real-x2", 2), CancellationToken.None);

        output.WriteLine($"real-x2 {result.Model}, lanczos {result.Lanczos}, bicubic {result.Bicubic}, {result.ModelTime.TotalMilliseconds:F0} ms");
        Assert.True(result.Model.PsnrY > result.Bicubic.PsnrY, $"real-x2 {result.Model.PsnrY:F2} dB vs bicubic {result.Bicubic.PsnrY:F2} dB");
        Assert.True(result.ModelTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task Columns_and_rows_the_scale_does_not_divide_are_left_out()
    {
        var frame = await PictureAsync("mandelbrot", 67, 50);

        var result = await UpscaleProbe.MeasureAsync([frame], 67, 50, new ResizingEnhancer("lanczos", scale: 4), CancellationToken.None);

        Assert.Equal((64, 48), (result.Width, result.Height));
        Assert.Equal(result.Lanczos, result.Model);
    }

    [Fact]
    public async Task A_picture_too_small_to_shrink_is_refused_with_its_sizes()
    {
        var frame = new byte[30 * 20 * 3];

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            UpscaleProbe.MeasureAsync([frame], 30, 20, new GreyEnhancer(4), CancellationToken.None));

        Assert.Contains("30x20", refused.Message);
        Assert.Contains("7x5", refused.Message);
    }

    [Fact]
    public async Task The_model_is_timed_after_one_untimed_run_on_the_new_size()
    {
        var frames = new[] { await PictureAsync("testsrc2", 64, 48), await PictureAsync("mandelbrot", 64, 48) };
        var shrunk = await UpscaleProbe.ShrinkAsync(frames, 64, 48, 2, CancellationToken.None);
        var enhancer = new CountingEnhancer(new GreyEnhancer(2));

        var (enhanced, time) = UpscaleProbe.Enhance(shrunk, enhancer, CancellationToken.None);

        Assert.Equal(3, enhancer.Calls);
        Assert.Equal(2, enhanced.Count);
        Assert.True(time > TimeSpan.Zero);
        Assert.Throws<ArgumentException>(() => UpscaleProbe.Enhance(shrunk, new GreyEnhancer(4), CancellationToken.None));
    }

    [Fact]
    public async Task Consecutive_frames_give_a_temporal_figure_over_their_still_parts_that_an_exact_copy_of_lanczos_matches()
    {
        var runs = new[] { StillPair(await PictureAsync("mandelbrot", 96, 64), 1), StillPair(await PictureAsync("testsrc2", 96, 64), 2) };

        var result = await UpscaleProbe.MeasureAsync(runs, 96, 64, new ResizingEnhancer("lanczos"), CancellationToken.None);

        output.WriteLine($"lanczos {result.Lanczos}, bicubic {result.Bicubic}, still {result.StillFraction:P1}");
        Assert.Equal((4, 2), (result.Frames, result.Pairs));
        Assert.Equal(result.Lanczos, result.Model);
        // The moved square's blocks are left out; the rest stands still under a little sensor noise.
        Assert.InRange(result.StillFraction!.Value, 0.6, 0.99);
        Assert.InRange(result.Lanczos.TemporalPsnrY!.Value, 15, 99);
        Assert.NotEqual(result.Lanczos.TemporalPsnrY, result.Bicubic.TemporalPsnrY);
    }

    [Fact]
    public async Task A_steady_error_costs_nothing_in_the_temporal_figure_but_one_that_changes_each_frame_does()
    {
        // Darkened so that lanczos plus the offset stays below 255 and nothing clips.
        var picture = (await PictureAsync("testsrc2", 96, 64)).Select(v => (byte)(v * 0.7)).ToArray();
        var run = StillPair(picture, 3);

        var steady = await UpscaleProbe.MeasureAsync([run], 96, 64, new OffsetEnhancer(_ => 12), CancellationToken.None);
        var flickering = await UpscaleProbe.MeasureAsync([run], 96, 64, new OffsetEnhancer(call => call % 2 == 0 ? 6 : -6), CancellationToken.None);

        output.WriteLine($"steady {steady.Model} flickering {flickering.Model} lanczos {steady.Lanczos}");
        // A level off by 12 everywhere: far from the frames, but the same in both.
        Assert.True(steady.Model.PsnrY < steady.Lanczos.PsnrY - 3, $"steady {steady.Model.PsnrY:F2} dB vs lanczos {steady.Lanczos.PsnrY:F2} dB");
        Assert.Equal(steady.Lanczos.TemporalPsnrY!.Value, steady.Model.TemporalPsnrY!.Value, 2);
        // Half the offset, alternating from frame to frame: closer to the frames, but it flickers.
        Assert.True(flickering.Model.PsnrY > steady.Model.PsnrY, $"flickering {flickering.Model.PsnrY:F2} dB vs steady {steady.Model.PsnrY:F2} dB");
        Assert.True(flickering.Model.TemporalPsnrY < flickering.Lanczos.TemporalPsnrY - 3,
            $"flickering temporal {flickering.Model.TemporalPsnrY:F2} dB vs lanczos {flickering.Lanczos.TemporalPsnrY:F2} dB");
    }

    [Fact]
    public async Task A_picture_that_moves_everywhere_has_no_still_part_and_so_no_temporal_figure()
    {
        // Coarse random texture panned by three pixels: every block changes by far more than noise.
        var random = new Random(7);
        var texture = new byte[99 * 64 * 3];
        for (var i = 0; i < texture.Length; i += 12)
        {
            Array.Fill(texture, (byte)random.Next(256), i, Math.Min(12, texture.Length - i));
        }

        var first = UpscaleProbe.Crop(texture, 99, 96, 64);
        var second = new byte[first.Length];
        for (var y = 0; y < 64; y++)
        {
            texture.AsSpan(((y * 99) + 3) * 3, 96 * 3).CopyTo(second.AsSpan(y * 96 * 3));
        }

        var result = await UpscaleProbe.MeasureAsync([[first, second]], 96, 64, new ResizingEnhancer("lanczos"), CancellationToken.None);

        Assert.Equal((1, 0.0), (result.Pairs, result.StillFraction));
        Assert.Null(result.Model.TemporalPsnrY);
    }

    [Fact]
    public void A_block_is_still_while_its_mean_change_stays_within_the_threshold()
    {
        // 20×10: two whole 8×8 blocks and partial ones at the right and bottom edges, which count as blocks of their own.
        var first = new double[20 * 10];
        var second = first.Select((_, i) => (i % 20, i / 20) switch
        {
            ( < 8, < 8) => UpscaleProbe.StillThreshold,
            ( < 16, < 8) => UpscaleProbe.StillThreshold + 0.01,
            (_, < 8) => 0,
            ( < 8, _) => 100,
            _ => 1,
        }).ToArray();

        var still = UpscaleProbe.IsStill(first, second, 20, 10);

        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal((i % 20, i / 20) is ( < 8, < 8) or ( >= 16, < 8) or ( >= 8, >= 8), still[i]));
    }

    [Fact]
    public async Task Frames_measured_each_on_their_own_have_no_temporal_figure()
    {
        var result = await UpscaleProbe.MeasureAsync(await MovingFramesAsync("testsrc2", 2), 96, 64, new ResizingEnhancer("lanczos"), CancellationToken.None);

        Assert.Equal((2, 0), (result.Frames, result.Pairs));
        Assert.Null(result.Model.TemporalPsnrY);
        Assert.Null(result.Lanczos.TemporalPsnrY);
    }

    [Fact]
    public async Task A_frame_larger_than_a_pipe_buffer_is_resized_without_stalling()
    {
        // 230 KB in and 920 KB out: far beyond a 64 KiB pipe, so writing and reading must go on together.
        var frame = await PictureAsync("mandelbrot", 320, 240);

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var large = await RawFrameResize.ResizeAsync(frame, 320, 240, 640, 480, "lanczos", limit.Token);
        var back = await RawFrameResize.ResizeAsync(large, 640, 480, 320, 240, "area", limit.Token);

        Assert.Equal(640 * 480 * 3, large.Length);
        var psnr = FrameQuality.Psnr(FrameQuality.Luma(frame), FrameQuality.Luma(back));
        Assert.True(psnr > 30, $"enlarged and shrunk back: {psnr:F2} dB against the frame");
    }

    [Fact]
    public async Task A_resize_of_a_frame_of_the_wrong_length_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RawFrameResize.ResizeAsync(new byte[10], 4, 4, 8, 8, "lanczos", CancellationToken.None));
    }

    [Fact]
    public void Crop_keeps_the_top_left_rows_and_columns()
    {
        var frame = Enumerable.Range(0, 5 * 3 * 3).Select(i => (byte)i).ToArray();

        var cropped = UpscaleProbe.Crop(frame, 5, 4, 2);

        Assert.Equal(frame[..12].Concat(frame[15..27]).ToArray(), cropped);
    }

    /// <summary>One RGB24 frame of an ffmpeg test source.</summary>
    internal static async Task<byte[]> PictureAsync(string source, int width, int height) =>
        (await FramesAsync(source.Contains("size=") ? source : $"{source}=size={width}x{height}", 1, width, height))[0];

    /// <summary>Consecutive 96×64 RGB24 frames of a moving ffmpeg test source.</summary>
    private static async Task<byte[][]> MovingFramesAsync(string source, int count)
    {
        var frames = await FramesAsync($"{source}=size=96x64:rate=25", count, 96, 64);
        Assert.NotEqual(frames[0], frames[1]);
        return frames;
    }

    private static async Task<byte[][]> FramesAsync(string input, int count, int width, int height)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-f", "lavfi", "-i", input, "-frames:v", $"{count}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        using var buffer = new MemoryStream();
        var error = ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(buffer);
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, await error);
        var size = width * height * 3;
        Assert.Equal(size * count, buffer.Length);
        var all = buffer.ToArray();
        return Enumerable.Range(0, count).Select(i => all[(i * size)..((i + 1) * size)]).ToArray();
    }

    /// <summary>
    /// The picture, and the picture again a moment later from a still camera: a little sensor noise (±2 levels, seeded)
    /// everywhere and a 16×16 square of it replaced by another part of it, as something moving would.
    /// </summary>
    private static byte[][] StillPair(byte[] picture, int seed)
    {
        var random = new Random(seed);
        var later = picture.Select(v => (byte)Math.Clamp(v + random.Next(-2, 3), 0, 255)).ToArray();
        for (var y = 0; y < 16; y++)
        {
            picture.AsSpan((((40 + y) * 96) + 64) * 3, 16 * 3).CopyTo(later.AsSpan((((8 + y) * 96) + 8) * 3));
        }

        return [picture, later];
    }

    /// <summary>Lanczos, then an offset added to every channel, chosen per call (the untimed warm-up run is call 0).</summary>
    private sealed class OffsetEnhancer(Func<int, int> offset) : IFrameEnhancer
    {
        private readonly ResizingEnhancer _lanczos = new("lanczos");
        private int _calls;

        public int Scale => 2;

        public int PreferredBatchSize => 1;

        public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
        {
            var add = offset(_calls++);
            return _lanczos.Enhance(frames, width, height, cancellationToken)
                .Select(frame => frame.Select(v => (byte)Math.Clamp(v + add, 0, 255)).ToArray())
                .ToArray();
        }
    }

    /// <summary>An "upscaler" that is one of swscale's kernels.</summary>
    private sealed class ResizingEnhancer(string kernel, int scale = 2) : IFrameEnhancer
    {
        public int Scale => scale;

        public int PreferredBatchSize => 1;

        public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken) =>
            frames.Select(f => RawFrameResize.ResizeAsync(f, width, height, width * scale, height * scale, kernel, cancellationToken).GetAwaiter().GetResult()).ToArray();
    }

    private sealed class CountingEnhancer(IFrameEnhancer inner) : IFrameEnhancer
    {
        public int Calls { get; private set; }

        public int Scale => inner.Scale;

        public int PreferredBatchSize => 1;

        public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
        {
            Calls++;
            return inner.Enhance(frames, width, height, cancellationToken);
        }
    }

    /// <summary>An "upscaler" that returns mid-grey.</summary>
    private sealed class GreyEnhancer(int scale) : IFrameEnhancer
    {
        public int Scale => scale;

        public int PreferredBatchSize => 1;

        public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken) =>
            frames.Select(_ => Enumerable.Repeat((byte)128, width * scale * height * scale * 3).ToArray()).ToArray();
    }
}
