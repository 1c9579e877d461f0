using Vsr.Engine.Models;

namespace Vsr.Engine.Variants;

/// <summary>
/// Rescales channels between consecutive convolutions so that one INT8 scale per tensor fits every channel. For
/// Conv A → PRelu → Conv B, dividing A's output channel c (weights and bias) by s and multiplying B's input channel c
/// by s leaves the network's function unchanged, because PRelu(x / s) = PRelu(x) / s for s &gt; 0. Channels whose
/// activations run large are shrunk, at some cost to the next convolution's weight precision; the strength
/// <c>alpha</c> weighs the two (SmoothQuant's migration strength): s = a^alpha / w^(1 - alpha).
/// </summary>
internal static class CrossLayerEqualization
{
    /// <summary>The pairs that can be rescaled: Conv A, whose only reader is Conv B or a PRelu whose only reader is Conv B.</summary>
    public static IReadOnlyList<(OnnxNode First, OnnxNode Second)> Pairs(OnnxModel model)
    {
        var convolutions = QdqQuantization.QuantizableConvolutions(model).ToHashSet();
        var consumers = model.Graph.Nodes
            .SelectMany(node => node.Inputs.Select(input => (input, node)))
            .ToLookup(use => use.input, use => use.node);
        var outputs = model.Outputs.Select(o => o.Name).ToHashSet();
        var constants = model.Graph.Initializers.ToDictionary(t => t.Name);
        var pairs = new List<(OnnxNode, OnnxNode)>();
        foreach (var first in convolutions)
        {
            var next = SoleConsumer(first.Outputs[0]);
            if (next?.OpType == "PRelu" && next.Inputs[0] == first.Outputs[0] && constants.ContainsKey(next.Inputs[1]))
            {
                next = SoleConsumer(next.Outputs[0]);
            }

            if (next is not null && convolutions.Contains(next))
            {
                pairs.Add((first, next));
            }
        }

        return pairs;

        OnnxNode? SoleConsumer(string tensor)
        {
            var users = consumers[tensor].Distinct().ToArray();
            return users.Length == 1 && !outputs.Contains(tensor) && users[0].Inputs.Count(i => i == tensor) == 1 ? users[0] : null;
        }
    }

    /// <param name="channelPeaks">The largest |value| of each channel of each pair's first output, from calibration.</param>
    public static OnnxModel Apply(OnnxModel model, IReadOnlyDictionary<string, float[]> channelPeaks, double alpha)
    {
        var tensors = model.Graph.Initializers.ToDictionary(t => t.Name, t => t.Floats is null ? t : t with { Floats = (float[])t.Floats.Clone() });
        foreach (var (first, second) in Pairs(model))
        {
            var peaks = channelPeaks[first.Outputs[0]];
            var next = tensors[second.Inputs[1]];
            var weightPeaks = RelativeInputPeaks(next);
            var scales = new float[peaks.Length];
            for (var c = 0; c < scales.Length; c++)
            {
                scales[c] = peaks[c] > 0 && weightPeaks[c] > 0
                    ? (float)(Math.Pow(peaks[c], alpha) / Math.Pow(weightPeaks[c], 1 - alpha))
                    : 1f;
            }

            Normalise(scales);
            DivideOutputs(tensors[first.Inputs[1]], scales);
            if (first.Inputs.Count > 2 && first.Inputs[2].Length > 0)
            {
                DivideOutputs(tensors[first.Inputs[2]], scales);
            }

            ScaleInputs(next, scales);
        }

        var graph = new OnnxGraph();
        graph.Nodes.AddRange(model.Graph.Nodes);
        graph.Initializers.AddRange(model.Graph.Initializers.Select(t => tensors[t.Name]));
        return model with { Graph = graph };
    }

    // How large input channel c's weights are within each output channel's own range (what per-channel INT8 sees), at most 1.
    private static float[] RelativeInputPeaks(OnnxTensor weight)
    {
        var (outputs, inputs) = ((int)weight.Dims[0], (int)weight.Dims[1]);
        var kernel = (int)(weight.ElementCount / (outputs * inputs));
        var values = weight.Floats!;
        var peaks = new float[inputs];
        for (var o = 0; o < outputs; o++)
        {
            var row = values.AsSpan(o * inputs * kernel, inputs * kernel);
            var rowPeak = 0f;
            foreach (var value in row)
            {
                rowPeak = Math.Max(rowPeak, Math.Abs(value));
            }

            for (var c = 0; c < inputs && rowPeak > 0; c++)
            {
                foreach (var value in row.Slice(c * kernel, kernel))
                {
                    peaks[c] = Math.Max(peaks[c], Math.Abs(value) / rowPeak);
                }
            }
        }

        return peaks;
    }

    // Around a geometric mean of 1, so that the rescaled weights stay the size they were.
    private static void Normalise(float[] scales)
    {
        var mean = Math.Exp(scales.Average(s => Math.Log(s)));
        for (var c = 0; c < scales.Length; c++)
        {
            scales[c] = (float)(scales[c] / mean);
        }
    }

    private static void DivideOutputs(OnnxTensor tensor, float[] scales)
    {
        var values = tensor.Floats!;
        var perChannel = values.Length / scales.Length;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] /= scales[i / perChannel];
        }
    }

    private static void ScaleInputs(OnnxTensor weight, float[] scales)
    {
        var (outputs, inputs) = ((int)weight.Dims[0], (int)weight.Dims[1]);
        var kernel = (int)(weight.ElementCount / (outputs * inputs));
        var values = weight.Floats!;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= scales[i / kernel % inputs];
        }
    }
}
