namespace Vsr.Engine.Inference;

/// <summary>
/// How far one set of 8-bit output frames is from another: PSNR over every value, and the largest difference. The
/// device check compares a GPU with the CPU by it, the bench a model variant with fp32.
/// </summary>
/// <param name="Psnr">dB; positive infinity when the outputs are identical.</param>
/// <param name="MaxAbsDifference">The largest difference of one value, in 8-bit levels.</param>
/// <param name="DifferingFraction">The share of values that differ at all.</param>
public sealed record OutputComparison(double Psnr, int MaxAbsDifference, double DifferingFraction)
{
    /// <exception cref="ArgumentException">The sets differ in frame count or frame size.</exception>
    public static OutputComparison Of(IReadOnlyList<byte[]> actual, IReadOnlyList<byte[]> reference)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        if (actual.Count != reference.Count || actual.Count == 0)
        {
            throw new ArgumentException($"{actual.Count} frames against {reference.Count}; both sets need the same, non-zero count", nameof(actual));
        }

        double squared = 0;
        long count = 0, differing = 0;
        var max = 0;
        for (var f = 0; f < actual.Count; f++)
        {
            var (a, b) = (actual[f], reference[f]);
            if (a.Length != b.Length)
            {
                throw new ArgumentException($"frame {f} has {a.Length} bytes against {b.Length}", nameof(actual));
            }

            for (var i = 0; i < a.Length; i++)
            {
                var d = Math.Abs(a[i] - b[i]);
                squared += d * d;
                differing += d == 0 ? 0 : 1;
                max = Math.Max(max, d);
            }

            count += a.Length;
        }

        var psnr = squared == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * count / squared);
        return new OutputComparison(psnr, max, (double)differing / count);
    }
}
