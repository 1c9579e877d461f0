using System.Drawing;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;

namespace Vsr.Engine.Variants;

/// <summary>
/// How close a variant's output stays to its fp32 model's: both run on the CPU over the same frames, their outputs
/// rounded to 8-bit pixels as the service writes them, and the difference given as PSNR (RGB, dB; infinity when equal).
/// </summary>
public static class VariantFidelity
{
    /// <summary>
    /// The frames a variant is measured on: like the calibration frames, yet drawn with another seed, so a variant is
    /// not judged on the frames it was fitted to.
    /// </summary>
    public static CalibrationFrames CheckFrames() => CalibrationFrames.Synthetic(count: 4, size: 96, seed: 2);

    /// <summary>The PSNR of <paramref name="variant"/>'s output against <paramref name="fp32Model"/>'s over <paramref name="frames"/>.</summary>
    public static double PsnrAgainstFp32(byte[] fp32Model, byte[] variant, CalibrationFrames frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var options = new SessionOptions { EnableCpuMemArena = false };
        using var reference = new InferenceSession(fp32Model, options);
        using var candidate = new InferenceSession(variant, options);
        using var runOptions = new RunOptions();
        var input = reference.InputMetadata.Keys.Single();
        var planes = new float[3 * frames.Width * frames.Height];
        var whole = new Rectangle(0, 0, frames.Width, frames.Height);
        double squared = 0;
        long values = 0;
        foreach (var frame in frames.Frames)
        {
            OnnxFrameEnhancer.Unpack(frame, frames.Width, whole, planes);
            using var value = OrtValue.CreateTensorValueFromMemory(planes, [1, 3, frames.Height, frames.Width]);
            using var expected = reference.Run(runOptions, [input], [value], reference.OutputNames);
            using var actual = candidate.Run(runOptions, [candidate.InputMetadata.Keys.Single()], [value], candidate.OutputNames);
            var e = expected[0].GetTensorDataAsSpan<float>();
            var a = actual[0].GetTensorDataAsSpan<float>();
            if (e.Length != a.Length)
            {
                throw new InvalidDataException($"the variant's output has {a.Length} values where the fp32 model's has {e.Length}");
            }

            for (var i = 0; i < e.Length; i++)
            {
                double difference = PixelQuantizer.ToByte(e[i]) - PixelQuantizer.ToByte(a[i]);
                squared += difference * difference;
            }

            values += e.Length;
        }

        return squared == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * values / squared);
    }
}
