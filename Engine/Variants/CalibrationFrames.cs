namespace Vsr.Engine.Variants;

/// <summary>Frames (packed RGB24, all one size) that INT8 calibration runs the fp32 model on to learn activation ranges.</summary>
public sealed record CalibrationFrames(IReadOnlyList<byte[]> Frames, int Width, int Height)
{
    /// <summary>
    /// Deterministic stand-ins for video frames, used when no real frames are at hand (a silo builds its INT8 model
    /// before its first job): smooth gradients, flat shapes with hard edges, stripes and fine noise, so that the
    /// ranges cover flat areas, edges and texture alike.
    /// </summary>
    public static CalibrationFrames Synthetic(int count = 8, int size = 96, int seed = 1)
    {
        var random = new Random(seed);
        var frames = new byte[count][];
        for (var f = 0; f < count; f++)
        {
            var rgb = new float[size * size * 3];
            Gradient(rgb, size, random);
            for (var s = random.Next(3, 9); s > 0; s--)
            {
                Shape(rgb, size, random);
            }

            var noise = (float)random.NextDouble() * 12f;
            frames[f] = rgb.Select(v => (byte)Math.Clamp(v + ((float)(random.NextDouble() - 0.5) * noise), 0f, 255f)).ToArray();
        }

        return new CalibrationFrames(frames, size, size);
    }

    private static void Gradient(float[] rgb, int size, Random random)
    {
        var corners = Enumerable.Range(0, 4).Select(_ => Colour(random)).ToArray();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (u, v) = ((float)x / (size - 1), (float)y / (size - 1));
                for (var c = 0; c < 3; c++)
                {
                    var top = (corners[0][c] * (1 - u)) + (corners[1][c] * u);
                    var bottom = (corners[2][c] * (1 - u)) + (corners[3][c] * u);
                    rgb[(((y * size) + x) * 3) + c] = (top * (1 - v)) + (bottom * v);
                }
            }
        }
    }

    // A rectangle or ellipse in one colour, sometimes striped, sometimes at full black or white.
    private static void Shape(float[] rgb, int size, Random random)
    {
        var colour = random.Next(5) == 0 ? Enumerable.Repeat(random.Next(2) * 255f, 3).ToArray() : Colour(random);
        var other = Colour(random);
        var (x0, y0) = (random.Next(size), random.Next(size));
        var (w, h) = (random.Next(4, size / 2), random.Next(4, size / 2));
        var ellipse = random.Next(2) == 0;
        var stripes = random.Next(3) == 0 ? random.Next(1, 4) : 0;
        for (var y = Math.Max(0, y0 - h); y < Math.Min(size, y0 + h); y++)
        {
            for (var x = Math.Max(0, x0 - w); x < Math.Min(size, x0 + w); x++)
            {
                var (dx, dy) = ((float)(x - x0) / w, (float)(y - y0) / h);
                if (ellipse && (dx * dx) + (dy * dy) > 1)
                {
                    continue;
                }

                var fill = stripes > 0 && (x + y) / stripes % 2 == 1 ? other : colour;
                for (var c = 0; c < 3; c++)
                {
                    rgb[(((y * size) + x) * 3) + c] = fill[c];
                }
            }
        }
    }

    private static float[] Colour(Random random) => [random.Next(256), random.Next(256), random.Next(256)];
}
