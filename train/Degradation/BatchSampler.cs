using Vsr.Train.Data;

namespace Vsr.Train.Degradation;

/// <summary>
/// Cuts random patches from the training photos and degrades them per the recipe. Batch <c>n</c> depends only on
/// the seed and <c>n</c>, so a resumed run sees exactly the batches an uninterrupted one would have. With a recipe
/// of <see cref="DegradationRecipe.ClipSequences"/>, the x264 patches come from <see cref="ClipSequenceSource"/>
/// clips: those made for the last <see cref="ClipPool"/> steps (one new clip per step).
/// </summary>
public sealed class BatchSampler(TrainingSet photos, int scale, int patchSize, int batchSize, DegradationRecipe recipe, int seed)
{
    public const int ClipPool = 16;
    private const int SequenceLength = 5;
    private const int MaxShift = 2;

    private readonly ClipSequenceSource? _clips = !recipe.ClipSequences ? null
        : scale == 1 && patchSize <= ClipSequenceSource.Size ? new ClipSequenceSource(photos, recipe, seed)
        : throw new ArgumentException($"clip sequences need scale 1 and patches of at most {ClipSequenceSource.Size} px, not x{scale} {patchSize} px");

    public TrainingBatch Sample(long step)
    {
        var random = new Random(unchecked(seed * 1_000_003 + (int)step));
        var hrSize = patchSize * scale;
        var inputs = new byte[batchSize][];
        var targets = new float[batchSize][];
        var jpeg = new List<int>();
        var x264 = new List<int>();
        var sequences = new List<byte[][]>();
        for (var i = 0; i < batchSize; i++)
        {
            var image = photos.Images[random.Next(photos.Images.Count)];
            var transform = random.Next(8);
            var roll = random.NextDouble();
            var moving = roll >= recipe.JpegProbability && roll < recipe.JpegProbability + recipe.X264Probability;
            if (moving && _clips is not null)
            {
                (inputs[i], targets[i]) = FromClip(step, random, hrSize, transform);
                continue;
            }

            var (vx, vy) = moving ? (random.Next(-MaxShift, MaxShift + 1), random.Next(-MaxShift, MaxShift + 1)) : (0, 0);
            var margin = 2 * MaxShift;
            var x0 = margin + random.Next(image.Width - hrSize - 2 * margin);
            var y0 = margin + random.Next(image.Height - hrSize - 2 * margin);
            var blur = random.NextDouble() < recipe.BlurProbability ? 0.2 + random.NextDouble() * (recipe.BlurSigmaMax - 0.2) : 0;
            var area = random.Next(2) == 0;
            var noise = random.NextDouble() < recipe.NoiseProbability ? random.NextDouble() * recipe.NoiseSigmaMax : 0;
            var grayNoise = random.Next(3) == 0;
            var frames = new byte[moving ? SequenceLength : 1][];
            for (var f = 0; f < frames.Length; f++)
            {
                var shift = moving ? f - SequenceLength / 2 : 0;
                var hr = Crop(image, x0 + shift * vx, y0 + shift * vy, hrSize, transform);
                if (shift == 0)
                {
                    targets[i] = hr;
                }

                var lr = Resampler.Downscale(GaussianBlur.Apply(hr, hrSize, hrSize, blur), hrSize, hrSize, scale, area);
                frames[f] = Quantize(lr, noise, grayNoise, random);
            }

            inputs[i] = frames[frames.Length / 2];
            if (moving)
            {
                x264.Add(i);
                sequences.Add(frames);
            }
            else if (roll < recipe.JpegProbability)
            {
                jpeg.Add(i);
            }
        }

        if (jpeg.Count > 0)
        {
            var quality = random.Next(recipe.JpegQualityMin, recipe.JpegQualityMax + 1);
            Replace(inputs, jpeg, PatchCompressor.Jpeg(jpeg.Select(i => inputs[i]).ToArray(), patchSize, quality));
        }

        if (x264.Count > 0)
        {
            var crf = random.Next(recipe.CrfMin, recipe.CrfMax + 1);
            Replace(inputs, x264, PatchCompressor.X264(sequences, patchSize, crf, SequenceLength / 2));
        }

        return new TrainingBatch(batchSize, patchSize, hrSize, ToPlanar(inputs.Select(p => p.Select(b => (float)b).ToArray()).ToArray(), patchSize), ToPlanar(targets, hrSize));
    }

    private (byte[] Input, float[] Target) FromClip(long step, Random random, int size, int transform)
    {
        var clip = _clips!.Get(Math.Max(0, step - random.Next(ClipPool)), ClipPool);
        var frame = random.Next(ClipSequenceSource.FirstUsableFrame, ClipSequenceSource.Frames);
        var (x0, y0) = CropOrigin(random, size, recipe.BlockAlignedCrops);
        var target = Crop(new RgbImage(ClipSequenceSource.Size, ClipSequenceSource.Size, clip.Clean[frame]), x0, y0, size, transform);
        var input = Crop(new RgbImage(ClipSequenceSource.Size, ClipSequenceSource.Size, clip.Compressed[frame]), x0, y0, size, transform);
        return (input.Select(v => (byte)v).ToArray(), target);
    }

    /// <summary>
    /// Where a patch of <paramref name="size"/> is cut from a clip frame: anywhere, or on x264's 16-pixel macroblock
    /// grid, so that a network sees block edges where they sit in a frame processed from its top-left corner. The
    /// unaligned draw is the one the <c>deblock</c> recipe has always made.
    /// </summary>
    public static (int X, int Y) CropOrigin(Random random, int size, bool aligned)
    {
        var grid = aligned ? 16 : 1;
        var positions = (ClipSequenceSource.Size - size) / grid + 1;
        return (random.Next(positions) * grid, random.Next(positions) * grid);
    }

    private static void Replace(byte[][] inputs, List<int> indices, List<byte[]> compressed)
    {
        for (var k = 0; k < indices.Count; k++)
        {
            inputs[indices[k]] = compressed[k];
        }
    }

    // One of the 8 flips/transpositions of the square crop, so that each photo yields more distinct patches.
    private static float[] Crop(RgbImage image, int x0, int y0, int size, int transform)
    {
        var result = new float[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (sx, sy) = (transform & 4) != 0 ? (y, x) : (x, y);
                sx = (transform & 1) != 0 ? size - 1 - sx : sx;
                sy = (transform & 2) != 0 ? size - 1 - sy : sy;
                var from = ((y0 + sy) * image.Width + x0 + sx) * 3;
                var to = (y * size + x) * 3;
                result[to] = image.Pixels[from];
                result[to + 1] = image.Pixels[from + 1];
                result[to + 2] = image.Pixels[from + 2];
            }
        }

        return result;
    }

    // Noise is added before 8-bit rounding, as a camera does before its encoder sees the frame.
    internal static byte[] Quantize(float[] pixels, double sigma, bool gray, Random random)
    {
        var result = new byte[pixels.Length];
        for (var p = 0; p < pixels.Length; p += 3)
        {
            var shared = sigma > 0 && gray ? Gaussian(random) * sigma : 0;
            for (var c = 0; c < 3; c++)
            {
                var n = sigma > 0 ? (gray ? shared : Gaussian(random) * sigma) : 0;
                result[p + c] = (byte)Math.Clamp(Math.Round(pixels[p + c] + n), 0, 255);
            }
        }

        return result;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] ToPlanar(float[][] patches, int size)
    {
        var plane = size * size;
        var result = new float[patches.Length * 3 * plane];
        for (var i = 0; i < patches.Length; i++)
        {
            for (var p = 0; p < plane; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    result[(i * 3 + c) * plane + p] = patches[i][p * 3 + c] / 255f;
                }
            }
        }

        return result;
    }
}
