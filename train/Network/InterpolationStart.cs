using Vsr.Engine.Models;

namespace Vsr.Train.Network;

/// <summary>
/// Starts a network as a plain interpolator instead of as noise, so that a short CPU run begins at bicubic quality
/// (identity at x1) and spends its steps on what interpolation misses. The first convolution copies each colour's
/// 3×3 neighbourhood into 27 channels, the body passes them on unchanged (centre tap 1, PReLU slope 1, so the
/// path is linear), and the last convolution forms, per sub-pixel, cubic weights (a = -0.5, over the three nearest
/// taps, renormalised) minus the nearest-neighbour skip. Every other channel keeps its random start and feeds the
/// output through zero weights, ready to learn. An unshuffled network starts by carrying its 3·u² input channels
/// unchanged through the body (centre taps) with its last convolution at zero, so it returns its skip (the input at
/// x1): a plain random start loses the signal over ten layers and barely trains.
/// </summary>
public static class InterpolationStart
{
    private const int Copies = 27;

    public static void Apply(CompactUpscaler model)
    {
        var shape = model.Shape;
        if (shape.Unshuffle > 1)
        {
            PassThrough(model);
            return;
        }

        var weights = model.ToWeights();
        var convs = weights.Convolutions;
        // Layer 0 picks tap (dy, dx) of colour c; later layers pass channel k through.
        CarryThroughBody(weights, Copies, (layer, k) => layer == 0 ? (k / 9, k % 9) : (k, 4));

        var last = convs[^1];
        var s = shape.Scale;
        Array.Clear(last.Weight);
        Array.Clear(last.Bias);
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < s; i++)
            {
                for (var j = 0; j < s; j++)
                {
                    var output = c * s * s + i * s + j; // DepthToSpace CRD order
                    var (wy, wx) = (Taps(i, s), Taps(j, s));
                    for (var dy = 0; dy < 3; dy++)
                    {
                        for (var dx = 0; dx < 3; dx++)
                        {
                            var skip = dy == 1 && dx == 1 ? 1f : 0f;
                            last.Weight[(output * last.InChannels + c * 9 + dy * 3 + dx) * 9 + 4] = wy[dy] * wx[dx] - skip;
                        }
                    }
                }
            }
        }

        model.LoadWeights(weights);
    }

    private static void PassThrough(CompactUpscaler model)
    {
        var shape = model.Shape;
        var copies = shape.InputChannels;
        if (shape.Width < copies)
        {
            throw new ArgumentException($"a pass-through start needs a width of at least {copies}, not {shape.Width}");
        }

        var weights = model.ToWeights();
        CarryThroughBody(weights, copies, (_, k) => (k, 4));
        Array.Clear(weights.Convolutions[^1].Weight);
        Array.Clear(weights.Convolutions[^1].Bias);
        model.LoadWeights(weights);
    }

    // Channels 0..copies-1 of every layer before the last become linear copies: input channel `source`, 3x3 tap `tap`
    // (4 = centre), no bias, PReLU slope 1. The other channels keep their random start.
    private static void CarryThroughBody(SrvggWeights weights, int copies, Func<int, int, (int Source, int Tap)> pick)
    {
        var convs = weights.Convolutions;
        for (var layer = 0; layer < convs.Count - 1; layer++)
        {
            var conv = convs[layer];
            for (var k = 0; k < copies; k++)
            {
                Array.Clear(conv.Weight, k * conv.InChannels * 9, conv.InChannels * 9);
                conv.Bias[k] = 0;
                var (source, tap) = pick(layer, k);
                conv.Weight[(k * conv.InChannels + source) * 9 + tap] = 1;
                weights.Slopes[layer][k] = 1;
            }
        }
    }

    // Sub-pixel i of s sits at offset (i + 0.5) / s - 0.5 from its low-resolution pixel's centre.
    private static float[] Taps(int i, int s)
    {
        var offset = (i + 0.5) / s - 0.5;
        var taps = new[] { -1, 0, 1 }.Select(d => Cubic(d - offset)).ToArray();
        var sum = taps.Sum();
        return taps.Select(t => (float)(t / sum)).ToArray();
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : 0;
    }
}
