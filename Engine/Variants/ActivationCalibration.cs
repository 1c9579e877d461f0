using System.Drawing;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Variants;

/// <summary>
/// Learns about intermediate tensors by running the fp32 model, with those tensors added as graph outputs, over
/// calibration frames on the CPU provider: each tensor's range (for its INT8 scale) or the peak of each of its
/// channels (for <see cref="CrossLayerEqualization"/>).
/// </summary>
/// <remarks>
/// Ranges are the extremes, not a percentile: on these upscalers clipping the tails (99.99 %, 99.9 %) lost 0.5 to
/// 6 dB against the fp32 output, so the rare large activations matter.
/// </remarks>
internal static class ActivationCalibration
{
    private delegate void Observer(int tensor, ReadOnlySpan<float> values, int channels);

    /// <summary>The smallest and largest value of each tensor over all frames.</summary>
    public static Dictionary<string, ActivationRange> Ranges(OnnxModel model, IReadOnlyList<string> tensors, CalibrationFrames frames)
    {
        var ranges = tensors.Select(_ => new ActivationRange(float.MaxValue, float.MinValue)).ToArray();
        Observe(model, tensors, frames, (tensor, values, _) =>
        {
            var (min, max) = (ranges[tensor].Min, ranges[tensor].Max);
            foreach (var value in values)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            ranges[tensor] = new ActivationRange(min, max);
        });
        return tensors.Select((name, i) => (name, range: ranges[i])).ToDictionary(p => p.name, p => p.range);
    }

    /// <summary>The largest |value| of each channel of each tensor (NCHW) over all frames.</summary>
    public static Dictionary<string, float[]> ChannelPeaks(OnnxModel model, IReadOnlyList<string> tensors, CalibrationFrames frames)
    {
        var peaks = new float[tensors.Count][];
        Observe(model, tensors, frames, (tensor, values, channels) =>
        {
            var plane = values.Length / channels;
            var tensorPeaks = peaks[tensor] ??= new float[channels];
            for (var i = 0; i < values.Length; i++)
            {
                tensorPeaks[i / plane] = Math.Max(tensorPeaks[i / plane], Math.Abs(values[i]));
            }
        });
        return tensors.Select((name, i) => (name, peaks: peaks[i] ?? [])).ToDictionary(p => p.name, p => p.peaks);
    }

    private static void Observe(OnnxModel model, IReadOnlyList<string> tensors, CalibrationFrames frames, Observer observe)
    {
        var input = model.Inputs.Single();
        var index = tensors.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        var watched = tensors.Where(t => t != input.Name).ToArray();
        var probe = model with
        {
            Outputs = [.. model.Outputs, .. watched.Where(t => model.Outputs.All(o => o.Name != t)).Select(t => new OnnxValueInfo(t, OnnxDataType.Float, null))],
        };

        using var options = new SessionOptions { EnableCpuMemArena = false };
        using var session = new InferenceSession(probe.Encode(), options);
        using var runOptions = new RunOptions();
        var planes = new float[3 * frames.Width * frames.Height];
        var whole = new Rectangle(0, 0, frames.Width, frames.Height);
        foreach (var frame in frames.Frames)
        {
            OnnxFrameEnhancer.Unpack(frame, frames.Width, whole, planes);
            if (index.TryGetValue(input.Name, out var inputIndex))
            {
                observe(inputIndex, planes, 3);
            }

            using var value = OrtValue.CreateTensorValueFromMemory(planes, [1, 3, frames.Height, frames.Width]);
            using var results = session.Run(runOptions, [input.Name], [value], watched);
            for (var i = 0; i < watched.Length; i++)
            {
                var shape = results[i].GetTensorTypeAndShape().Shape;
                observe(index[watched[i]], results[i].GetTensorDataAsSpan<float>(), shape.Length > 1 ? (int)shape[1] : 1);
            }
        }
    }
}
