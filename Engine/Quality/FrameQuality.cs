namespace Vsr.Engine.Quality;

/// <summary>
/// PSNR and SSIM as super-resolution papers report them, on packed RGB24 frames: peak 255; Y is BT.601 studio-range
/// luma (16 + (65.481 R + 128.553 G + 24.966 B) / 255); SSIM with an 11×11 Gaussian window (σ 1.5), K1 0.01, K2 0.03,
/// averaged over the positions where the window fits. No border is cropped. The evaluation harness (<c>train/</c>) and
/// the per-job quality report (<see cref="UpscaleProbe"/>) both score with these.
/// </summary>
public static class FrameQuality
{
    private const int WindowSize = 11;
    private static readonly double[] Gaussian = MakeGaussian();

    /// <summary>BT.601 studio-range luma (16..235) of an RGB pixel given in 0..1.</summary>
    public static double LumaY(double r, double g, double b) => 16 + 65.481 * r + 128.553 * g + 24.966 * b;

    /// <summary>PSNR (peak 255) of a mean squared error; 100 dB for none.</summary>
    public static double PsnrOf(double meanSquaredError) => meanSquaredError == 0 ? 100 : 10 * Math.Log10(255.0 * 255.0 / meanSquaredError);

    public static double Psnr(double[] a, double[] b)
    {
        RequireSameLength(a, b);
        var squaredError = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            squaredError += d * d;
        }

        return PsnrOf(squaredError / a.Length);
    }

    /// <summary>The luma plane of a packed RGB24 frame, one value per pixel.</summary>
    public static double[] Luma(byte[] rgb)
    {
        var y = new double[rgb.Length / 3];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = LumaY(rgb[i * 3] / 255.0, rgb[i * 3 + 1] / 255.0, rgb[i * 3 + 2] / 255.0);
        }

        return y;
    }

    /// <summary>Channel <paramref name="channel"/> (0 red, 1 green, 2 blue) of a packed RGB24 frame.</summary>
    public static double[] Channel(byte[] rgb, int channel)
    {
        var plane = new double[rgb.Length / 3];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = rgb[i * 3 + channel];
        }

        return plane;
    }

    /// <summary>Mean SSIM of two <paramref name="width"/>×<paramref name="height"/> planes, each at least 11×11.</summary>
    public static double Ssim(double[] a, double[] b, int width, int height)
    {
        RequireSameLength(a, b);
        if (width < WindowSize || height < WindowSize || a.Length != width * height)
        {
            throw new ArgumentException($"SSIM needs planes of at least {WindowSize}x{WindowSize} pixels of the size given, not {width}x{height} ({a.Length} values).");
        }

        const double c1 = 0.01 * 255 * 0.01 * 255;
        const double c2 = 0.03 * 255 * 0.03 * 255;
        var ab = new double[a.Length];
        var aa = new double[a.Length];
        var bb = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            ab[i] = a[i] * b[i];
            aa[i] = a[i] * a[i];
            bb[i] = b[i] * b[i];
        }

        var muA = Window(a, width, height);
        var muB = Window(b, width, height);
        var sAA = Window(aa, width, height);
        var sBB = Window(bb, width, height);
        var sAB = Window(ab, width, height);
        var total = 0.0;
        for (var i = 0; i < muA.Length; i++)
        {
            var (ma, mb) = (muA[i], muB[i]);
            var va = sAA[i] - ma * ma;
            var vb = sBB[i] - mb * mb;
            var cov = sAB[i] - ma * mb;
            total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        }

        return total / muA.Length;
    }

    private static void RequireSameLength(double[] a, double[] b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new ArgumentException($"planes differ in size or are empty: {a.Length} vs {b.Length} values");
        }
    }

    private static double[] MakeGaussian()
    {
        var g = Enumerable.Range(-(WindowSize / 2), WindowSize).Select(d => Math.Exp(-d * d / (2 * 1.5 * 1.5))).ToArray();
        var sum = g.Sum();
        return g.Select(v => v / sum).ToArray();
    }

    // Gaussian filtering over the positions where the whole window fits: the result is (w-10) x (h-10).
    private static double[] Window(double[] plane, int w, int h)
    {
        var ow = w - WindowSize + 1;
        var oh = h - WindowSize + 1;
        var rows = new double[ow * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var s = 0.0;
                for (var t = 0; t < WindowSize; t++)
                {
                    s += Gaussian[t] * plane[y * w + x + t];
                }

                rows[y * ow + x] = s;
            }
        }

        var result = new double[ow * oh];
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var s = 0.0;
                for (var t = 0; t < WindowSize; t++)
                {
                    s += Gaussian[t] * rows[(y + t) * ow + x];
                }

                result[y * ow + x] = s;
            }
        }

        return result;
    }
}
