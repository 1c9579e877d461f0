namespace Vsr.Train.Degradation;

/// <summary>
/// Integer-factor downscaling of packed RGB float images: antialiased bicubic (Keys, a = -0.5, the kernel
/// stretched by the factor, as image editors and swscale do when shrinking) or area (block mean). Edges clamp.
/// </summary>
public static class Resampler
{
    public static float[] Downscale(float[] source, int width, int height, int factor, bool area)
    {
        if (factor == 1)
        {
            return (float[])source.Clone();
        }

        var (offsets, weights) = area ? AreaTaps(factor) : BicubicTaps(factor);
        var outWidth = width / factor;
        var outHeight = height / factor;
        var rows = new float[outWidth * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0f;
                    for (var t = 0; t < offsets.Length; t++)
                    {
                        var sx = Math.Clamp(x * factor + offsets[t], 0, width - 1);
                        sum += weights[t] * source[(y * width + sx) * 3 + c];
                    }

                    rows[(y * outWidth + x) * 3 + c] = sum;
                }
            }
        }

        var result = new float[outWidth * outHeight * 3];
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0f;
                    for (var t = 0; t < offsets.Length; t++)
                    {
                        var sy = Math.Clamp(y * factor + offsets[t], 0, height - 1);
                        sum += weights[t] * rows[(sy * outWidth + x) * 3 + c];
                    }

                    result[(y * outWidth + x) * 3 + c] = sum;
                }
            }
        }

        return result;
    }

    private static (int[] Offsets, float[] Weights) AreaTaps(int factor) =>
        (Enumerable.Range(0, factor).ToArray(), Enumerable.Repeat(1f / factor, factor).ToArray());

    // The output sample i sits at input coordinate (i + 0.5)·f − 0.5; taps reach 2f input pixels either side.
    private static (int[] Offsets, float[] Weights) BicubicTaps(int factor)
    {
        var centre = (factor - 1) / 2.0;
        var offsets = Enumerable.Range(-2 * factor + 1, 4 * factor).Where(o => Math.Abs(o - centre) < 2 * factor).ToArray();
        var weights = offsets.Select(o => Cubic((o - centre) / factor)).ToArray();
        var total = weights.Sum();
        return (offsets, weights.Select(w => (float)(w / total)).ToArray());
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
            : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
            : 0;
    }
}
