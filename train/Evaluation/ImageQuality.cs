using Vsr.Train.Data;

namespace Vsr.Train.Evaluation;

/// <summary>
/// PSNR and SSIM as super-resolution papers report them: peak 255; Y is BT.601 studio-range luma
/// (16 + (65.481 R + 128.553 G + 24.966 B) / 255); SSIM with an 11×11 Gaussian window (σ 1.5), K1 0.01, K2 0.03,
/// averaged over the positions where the window fits. No border is cropped.
/// </summary>
public static class ImageQuality
{
    public static QualityScore Measure(RgbImage original, RgbImage candidate)
    {
        if (original.Width != candidate.Width || original.Height != candidate.Height)
        {
            throw new ArgumentException($"sizes differ: {original.Width}x{original.Height} vs {candidate.Width}x{candidate.Height}");
        }

        var (w, h) = (original.Width, original.Height);
        var psnrRgb = Psnr(original.Pixels.Select(b => (double)b).ToArray(), candidate.Pixels.Select(b => (double)b).ToArray());
        var yA = Luma(original);
        var yB = Luma(candidate);
        var ssimRgb = Enumerable.Range(0, 3).Average(c => Ssim(Channel(original, c), Channel(candidate, c), w, h));
        return new QualityScore(psnrRgb, Psnr(yA, yB), ssimRgb, Ssim(yA, yB, w, h));
    }

    private static double Psnr(double[] a, double[] b)
    {
        var mse = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            mse += d * d;
        }

        return PsnrOf(mse / a.Length);
    }

    /// <summary>BT.601 studio-range luma (16..235) of an RGB pixel given in 0..1.</summary>
    public static double LumaY(double r, double g, double b) => 16 + 65.481 * r + 128.553 * g + 24.966 * b;

    /// <summary>PSNR (peak 255) of a mean squared error; 100 dB for none.</summary>
    public static double PsnrOf(double meanSquaredError) => meanSquaredError == 0 ? 100 : 10 * Math.Log10(255.0 * 255.0 / meanSquaredError);

    private static double[] Luma(RgbImage image)
    {
        var y = new double[image.Width * image.Height];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = LumaY(image.Pixels[i * 3] / 255.0, image.Pixels[i * 3 + 1] / 255.0, image.Pixels[i * 3 + 2] / 255.0);
        }

        return y;
    }

    private static double[] Channel(RgbImage image, int c)
    {
        var plane = new double[image.Width * image.Height];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = image.Pixels[i * 3 + c];
        }

        return plane;
    }

    private static double Ssim(double[] a, double[] b, int w, int h)
    {
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

        var (muA, ow, oh) = Window(a, w, h);
        var muB = Window(b, w, h).Result;
        var sAA = Window(aa, w, h).Result;
        var sBB = Window(bb, w, h).Result;
        var sAB = Window(ab, w, h).Result;
        var total = 0.0;
        for (var i = 0; i < muA.Length; i++)
        {
            var (ma, mb) = (muA[i], muB[i]);
            var va = sAA[i] - ma * ma;
            var vb = sBB[i] - mb * mb;
            var cov = sAB[i] - ma * mb;
            total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        }

        return total / (ow * oh);
    }

    private static readonly double[] Gaussian = MakeGaussian();

    private static double[] MakeGaussian()
    {
        var g = Enumerable.Range(-5, 11).Select(d => Math.Exp(-d * d / (2 * 1.5 * 1.5))).ToArray();
        var sum = g.Sum();
        return g.Select(v => v / sum).ToArray();
    }

    // Valid-region Gaussian filtering: the output is (w-10) x (h-10).
    private static (double[] Result, int Width, int Height) Window(double[] plane, int w, int h)
    {
        var ow = w - 10;
        var oh = h - 10;
        var rows = new double[ow * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var s = 0.0;
                for (var t = 0; t < 11; t++)
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
                for (var t = 0; t < 11; t++)
                {
                    s += Gaussian[t] * rows[(y + t) * ow + x];
                }

                result[y * ow + x] = s;
            }
        }

        return (result, ow, oh);
    }
}
