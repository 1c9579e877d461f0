using Vsr.Engine.Quality;
using Vsr.Train.Data;
using Vsr.Train.Degradation;
using Vsr.Train.Evaluation;

namespace Vsr.Train.Tests;

public sealed class ClipSequenceTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("vsr-clip-test-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Deblock_batches_come_from_x264_clips_and_depend_only_on_the_step()
    {
        var photos = Photos();
        var x264Only = DegradationRecipe.Deblock with { JpegProbability = 0, X264Probability = 1, NoiseProbability = 0, CrfMin = 40, CrfMax = 40 };
        var first = new BatchSampler(photos, 1, 32, 4, x264Only, 7);
        var second = new BatchSampler(photos, 1, 32, 4, x264Only, 7);

        var batch = first.Sample(5);
        second.Sample(2);
        var again = second.Sample(5);

        Assert.Equal(batch.Inputs, again.Inputs);
        Assert.Equal(batch.Targets, again.Targets);
        Assert.NotEqual(batch.Inputs, first.Sample(6).Inputs);
        // crf 40 moves pixels by whole levels on average; a copy of the clean frame would give 0.
        var meanError = batch.Inputs.Zip(batch.Targets, (i, t) => Math.Abs(i - t)).Average() * 255;
        Assert.InRange(meanError, 1.0, 40.0);
    }

    [Fact]
    public void Standard_definition_clips_pan_across_the_halved_photo()
    {
        var photos = Photos(1000, 900);
        var full = DegradationRecipe.Deblock with { NoiseProbability = 0, CrfMin = 40, CrfMax = 40 };
        var halved = full with { ClipDownscaleProbability = 1 };

        var fullSource = new ClipSequenceSource(photos, full, 7);
        var halvedSource = new ClipSequenceSource(photos, halved, 7);

        Assert.Equal(halvedSource.Get(3, 4).Clean[5], new ClipSequenceSource(photos, halved, 7).Get(3, 4).Clean[5]);
        Assert.NotEqual(fullSource.Get(3, 4).Clean[5], halvedSource.Get(3, 4).Clean[5]);
        // Halving doubles the detail per pixel: over a few clips, neighbouring pixels of the clean frames differ more.
        var (fromFull, fromHalved) = (MeanRoughness(fullSource), MeanRoughness(halvedSource));
        Assert.True(fromHalved > 1.15 * fromFull, $"halved {fromHalved:F2} vs full {fromFull:F2}");
    }

    [Fact]
    public void Block_aligned_crops_sit_on_the_macroblock_grid_and_unaligned_ones_draw_as_before()
    {
        var (aligned, plain, reference) = (new Random(3), new Random(3), new Random(3));
        var origins = Enumerable.Range(0, 200).Select(_ => BatchSampler.CropOrigin(aligned, 96, aligned: true)).ToList();

        Assert.All(origins, o => Assert.True(o.X % 16 == 0 && o.Y % 16 == 0 && o.X is >= 0 and <= 160 && o.Y is >= 0 and <= 160, $"{o}"));
        Assert.Equal(11, origins.Select(o => o.X).Distinct().Count());
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal((reference.Next(161), reference.Next(161)), BatchSampler.CropOrigin(plain, 96, aligned: false));
        }
    }

    [Fact]
    public void Pre_coded_clips_take_the_older_codecs_output_as_the_reference_and_x264_starts_from_it()
    {
        var photos = Photos();
        var plain = DegradationRecipe.DeblockX264 with { NoiseProbability = 0, CrfMin = 40, CrfMax = 40 };
        var preCoded = plain with { PreCodedSources = true };

        var (before, after) = (new ClipSequenceSource(photos, plain, 7).Get(2, 4), new ClipSequenceSource(photos, preCoded, 7).Get(2, 4));

        Assert.Equal(after.Clean[5], new ClipSequenceSource(photos, preCoded, 7).Get(2, 4).Clean[5]);
        // The older codec changed the reference a little (good quality), x264 at crf 40 changes it more.
        var coded = MeanDifference(before.Clean[5], after.Clean[5]);
        Assert.InRange(coded, 0.2, 15.0);
        Assert.True(MeanDifference(after.Clean[5], after.Compressed[5]) > 0.5, "x264 left the pre-coded frame as it was");
    }

    [Fact]
    public void The_luma_export_writes_every_kept_frame_of_every_clip_as_bt601_y()
    {
        var source = new ClipSequenceSource(Photos(), DegradationRecipe.DeblockX264 with { NoiseProbability = 0 }, 7);
        var output = Path.Combine(_scratch, "export");

        var frames = LumaExport.WriteClips(source, 2, 5, output);

        Assert.Equal([3, 8, 13, 18, 23], frames);
        var (clean, compressed) = (File.ReadAllBytes(Path.Combine(output, "train-clean.u8")), File.ReadAllBytes(Path.Combine(output, "train-crf.u8")));
        const int Plane = ClipSequenceSource.Size * ClipSequenceSource.Size;
        Assert.Equal(2 * 5 * Plane, clean.Length);
        Assert.Equal(clean.Length, compressed.Length);
        // The second clip's third kept frame (13), pixel 1000, as the evaluation computes luma.
        var clip = source.Get(1, 1);
        var rgb = clip.Compressed[13].AsSpan(3 * 1000, 3).ToArray();
        var expected = Math.Round(FrameQuality.LumaY(rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0));
        Assert.Equal(expected, compressed[(5 + 2) * Plane + 1000]);
        Assert.Equal(LumaExport.Luma(clip.Clean[13]), clean.AsSpan((5 + 2) * Plane, Plane).ToArray());
    }

    [Fact]
    public void Clip_sequences_are_refused_for_upscaling()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatchSampler(Photos(), 2, 32, 4, DegradationRecipe.Deblock, 7));
        Assert.Contains("scale 1", error.Message, StringComparison.Ordinal);
    }

    private static double MeanDifference(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    private static double MeanRoughness(ClipSequenceSource source) =>
        Enumerable.Range(0, 8).Select(id => source.Get(id, 8).Clean[ClipSequenceSource.FirstUsableFrame]).Average(Roughness);

    private static double Roughness(byte[] rgb) =>
        Enumerable.Range(3, rgb.Length - 3).Average(i => Math.Abs(rgb[i] - rgb[i - 3]));

    private TrainingSet Photos(int width = 480, int height = 420)
    {
        var images = Directory.CreateDirectory(Path.Combine(_scratch, "images")).FullName;
        FfmpegPipe.Run(["-y", "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}", "-frames:v", "1", Path.Combine(images, "a.png")]);
        FfmpegPipe.Run(["-y", "-f", "lavfi", "-i", $"mandelbrot=size={width}x{height}", "-frames:v", "1", Path.Combine(images, "b.png")]);
        return TrainingSet.FromDirectory(images, Path.Combine(_scratch, "cache"), HeldOutGuard.Load());
    }
}
