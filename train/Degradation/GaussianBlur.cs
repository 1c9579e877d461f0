namespace Vsr.Train.Degradation;

/// <summary>Separable Gaussian blur of a packed RGB float image, edges clamped; mimics a slightly soft lens.</summary>
public static class GaussianBlur
{
    public static float[] Apply(float[] source, int width, int height, double sigma)
    {
        if (sigma < 0.1)
        {
            return source;
        }

        var radius = (int)Math.Ceiling(3 * sigma);
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        var total = kernel.Sum();
        var taps = kernel.Select(k => (float)(k / total)).ToArray();
        var pass = new float[source.Length];
        var result = new float[source.Length];
        Convolve(source, pass, width, height, taps, radius, horizontal: true);
        Convolve(pass, result, width, height, taps, radius, horizontal: false);
        return result;
    }

    private static void Convolve(float[] from, float[] to, int width, int height, float[] taps, int radius, bool horizontal)
    {
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0f;
                    for (var t = -radius; t <= radius; t++)
                    {
                        var sx = horizontal ? Math.Clamp(x + t, 0, width - 1) : x;
                        var sy = horizontal ? y : Math.Clamp(y + t, 0, height - 1);
                        sum += taps[t + radius] * from[(sy * width + sx) * 3 + c];
                    }

                    to[(y * width + x) * 3 + c] = sum;
                }
            }
        }
    }
}
