using System.Globalization;
using Vsr.Train.Data;

namespace Vsr.Train.Degradation;

/// <summary>
/// Short synthetic clips for compression-artefact training: a window pans across a photo at a sub-pixel speed (or
/// holds still, as a fixed camera does), the frames go through libx264 in one stream, preset medium like the
/// evaluation, and patches are cut from the decoded frames. Encoding whole frames of a longer sequence gives x264's
/// rate control, motion search and mb-tree what real video gives them; 64-pixel mosaics of 5 frames did not (the
/// model trained on those gained 0.06 dB on the held-out crf-40 clips). Clip <c>n</c> depends only on the seed and
/// <c>n</c>, so the batches stay a function of the step.
/// </summary>
public sealed class ClipSequenceSource(TrainingSet photos, DegradationRecipe recipe, int seed)
{
    public const int Size = 256;
    public const int Frames = 24;

    /// <summary>Frames patches are cut from: past the keyframe and the first P-frames, before the stream's end.</summary>
    public const int FirstUsableFrame = 3;

    private const double MaxSpeed = 3.0;
    private const double StillProbability = 0.3;

    private readonly Dictionary<long, SequenceClip> _recent = [];
    private readonly Dictionary<int, RgbImage> _halved = [];

    /// <summary>Clip <paramref name="id"/>, made on first use; clips far below the newest one asked for are dropped.</summary>
    public SequenceClip Get(long id, int keep)
    {
        if (_recent.TryGetValue(id, out var clip))
        {
            return clip;
        }

        foreach (var old in _recent.Keys.Where(k => k < id - 2 * keep).ToList())
        {
            _recent.Remove(old);
        }

        clip = Make(id);
        _recent[id] = clip;
        return clip;
    }

    private SequenceClip Make(long id)
    {
        var random = new Random(unchecked(seed * 7_919 + (int)id * 104_729));
        var index = random.Next(photos.Images.Count);
        var image = photos.Images[index];

        // Drawn only by recipes that ask for it, so the clips of the others stay what they were.
        var travel = (int)Math.Ceiling(MaxSpeed * Frames) + 2;
        if (recipe.ClipDownscaleProbability > 0 && random.NextDouble() < recipe.ClipDownscaleProbability
            && Math.Min(image.Width, image.Height) / 2 > Size + 2 * travel + 1)
        {
            image = Halved(index);
        }

        var still = random.NextDouble() < StillProbability;
        var (vx, vy) = still ? (0.0, 0.0) : ((random.NextDouble() * 2 - 1) * MaxSpeed, (random.NextDouble() * 2 - 1) * MaxSpeed);
        var x0 = travel + random.NextDouble() * (image.Width - Size - 2 * travel);
        var y0 = travel + random.NextDouble() * (image.Height - Size - 2 * travel);
        var noise = random.NextDouble() < recipe.NoiseProbability ? random.NextDouble() * recipe.NoiseSigmaMax : 0;
        var gray = random.Next(3) == 0;
        var crf = random.Next(recipe.CrfMin, recipe.CrfMax + 1);
        var clean = new byte[Frames][];
        var raw = new byte[Frames * Size * Size * 3];
        for (var f = 0; f < Frames; f++)
        {
            var frame = Window(image, x0 + f * vx, y0 + f * vy);
            clean[f] = BatchSampler.Quantize(frame, 0, gray, random);
            BatchSampler.Quantize(frame, noise, gray, random).CopyTo(raw, f * Size * Size * 3);
        }

        if (recipe.PreCodedSources)
        {
            raw = PreCode(raw, random);
            for (var f = 0; f < Frames; f++)
            {
                clean[f] = raw.AsSpan(f * Size * Size * 3, Size * Size * 3).ToArray();
            }
        }

        var stream = FfmpegPipe.Run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{Size}x{Size}", "-r", "25", "-i", "-",
            "-c:v", "libx264", "-preset", "medium", "-crf", crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-threads", "1", "-f", "h264", "-"], raw);
        string[] filter = recipe.ClipDecodeFilter is null ? [] : ["-vf", recipe.ClipDecodeFilter];
        var decoded = FfmpegPipe.Run(["-f", "h264", "-i", "-", .. filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stream);
        var frameBytes = Size * Size * 3;
        if (decoded.Length != Frames * frameBytes)
        {
            throw new InvalidDataException($"x264 round trip of clip {id} gave {decoded.Length} bytes, not {Frames} frames of {Size}x{Size}");
        }

        var compressed = Enumerable.Range(0, Frames).Select(f => decoded.AsSpan(f * frameBytes, frameBytes).ToArray()).ToArray();
        return new SequenceClip(clean, compressed);
    }

    // The clip (with its camera noise) through one older codec at a good quality and back: the reference footage.
    private static byte[] PreCode(byte[] raw, Random random)
    {
        string[][] codecs =
        [
            ["-c:v", "mpeg4", "-q:v"],
            ["-c:v", "msmpeg4", "-q:v"],
            ["-c:v", "mpeg1video", "-q:v"],
            ["-c:v", "mjpeg", "-q:v"],
            ["-c:v", "cinepak"],
        ];
        var codec = codecs[random.Next(codecs.Length)];
        var quality = random.Next(2, 9).ToString(CultureInfo.InvariantCulture);
        string[] settings = codec.Length == 3 ? [.. codec, quality] : codec;
        var stream = FfmpegPipe.Run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{Size}x{Size}", "-r", "25", "-i", "-",
            .. settings, "-threads", "1", "-f", "nut", "-"], raw);
        var decoded = FfmpegPipe.Run(["-f", "nut", "-i", "-", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stream);
        return decoded.Length == raw.Length
            ? decoded
            : throw new InvalidDataException($"{string.Join(' ', settings)} round trip gave {decoded.Length} bytes, not {raw.Length}");
    }

    // The training photo (already halved when loaded) area-averaged to half size once more, for detail as dense per
    // pixel as in standard-definition camera footage. Made once per photo and kept.
    private RgbImage Halved(int index)
    {
        if (!_halved.TryGetValue(index, out var halved))
        {
            var photo = photos.Images[index];
            var pixels = Resampler.Downscale(photo.Pixels.Select(b => (float)b).ToArray(), photo.Width, photo.Height, 2, area: true);
            halved = new RgbImage(photo.Width / 2, photo.Height / 2, pixels.Select(v => (byte)Math.Clamp(MathF.Round(v), 0, 255)).ToArray());
            _halved[index] = halved;
        }

        return halved;
    }

    // Bilinear sample of a Size×Size window whose top-left corner sits at a fractional position.
    private static float[] Window(RgbImage image, double left, double top)
    {
        var result = new float[Size * Size * 3];
        var (ix, iy) = ((int)Math.Floor(left), (int)Math.Floor(top));
        var (fx, fy) = ((float)(left - ix), (float)(top - iy));
        for (var y = 0; y < Size; y++)
        {
            var row0 = ((iy + y) * image.Width + ix) * 3;
            var row1 = row0 + image.Width * 3;
            for (var x = 0; x < Size; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var p = x * 3 + c;
                    var a = image.Pixels[row0 + p] + (image.Pixels[row0 + p + 3] - image.Pixels[row0 + p]) * fx;
                    var b = image.Pixels[row1 + p] + (image.Pixels[row1 + p + 3] - image.Pixels[row1 + p]) * fx;
                    result[(y * Size + x) * 3 + c] = a + (b - a) * fy;
                }
            }
        }

        return result;
    }
}
