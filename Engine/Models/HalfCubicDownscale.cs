namespace Vsr.Engine.Models;

/// <summary>
/// A 0.5x bicubic downscale (half-pixel centres, a = -0.75, edges clamped) written as an edge Pad of
/// one pixel plus a depthwise 4x4 stride-2 Conv. It equals ONNX's cubic Resize, at a fraction of its cost.
/// </summary>
internal static class HalfCubicDownscale
{
    // Each output pixel sits exactly between two input pixels, so the cubic kernel is always sampled at
    // distances 1.5, 0.5, 0.5, 1.5: w(0.5) = 0.59375, w(1.5) = -0.09375 for a = -0.75.
    public static readonly float[] Taps = [-0.09375f, 0.59375f, 0.59375f, -0.09375f];

    private const int Channels = 3;

    public static void Append(OnnxGraph graph, string input, string output)
    {
        var kernel = new float[Channels * Taps.Length * Taps.Length];
        for (var c = 0; c < Channels; c++)
        {
            for (var y = 0; y < Taps.Length; y++)
            {
                for (var x = 0; x < Taps.Length; x++)
                {
                    kernel[(((c * Taps.Length) + y) * Taps.Length) + x] = Taps[y] * Taps[x];
                }
            }
        }

        // Edge padding reproduces the clamped taps at the border (index -1 reads 0, index H reads H-1).
        var pads = graph.Constant("half_downscale.pads", [0, 0, 1, 1, 0, 0, 1, 1]);
        graph.Add("Pad", "half_downscale.pad", [input, pads], "half_downscale.padded", OnnxAttribute.Of("mode", "edge"));
        var weight = graph.Constant("half_downscale.weight", [Channels, 1, Taps.Length, Taps.Length], kernel);
        graph.Add("Conv", "half_downscale.conv", ["half_downscale.padded", weight], output,
            OnnxAttribute.Of("group", (long)Channels),
            OnnxAttribute.Of("kernel_shape", Taps.Length, Taps.Length),
            OnnxAttribute.Of("strides", 2L, 2L),
            OnnxAttribute.Of("pads", 0L, 0L, 0L, 0L));
    }
}
