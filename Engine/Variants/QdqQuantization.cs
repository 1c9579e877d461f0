using System.Runtime.InteropServices;
using Vsr.Engine.Models;

namespace Vsr.Engine.Variants;

/// <summary>
/// Static INT8 quantization in QDQ form. Every plain Conv (group 1, constant weights) gets QuantizeLinear →
/// DequantizeLinear pairs on its activation input and output (uint8, ranges from calibration), its weights stored
/// as int8 with one symmetric scale per output channel, and its bias as int32 at input scale × weight scale. That is
/// the pattern ONNX Runtime's CPU provider fuses into QLinearConv; everything else stays fp32.
/// </summary>
internal static class QdqQuantization
{
    private const string Q = "QuantizeLinear";
    private const string Dq = "DequantizeLinear";

    /// <summary>The tensors whose ranges <see cref="Quantize"/> needs: the activation input and output of every quantized Conv.</summary>
    public static IReadOnlyList<string> TensorsToCalibrate(OnnxModel model) =>
        QuantizableConvolutions(model).SelectMany(node => new[] { node.Inputs[0], node.Outputs[0] }).Distinct().ToArray();

    /// <summary>The Conv nodes <see cref="Quantize"/> turns into INT8, in graph order.</summary>
    public static IReadOnlyList<OnnxNode> QuantizableConvolutions(OnnxModel model)
    {
        var constants = Constants(model);
        return model.Graph.Nodes.Where(node => IsQuantizable(node, constants)).ToArray();
    }

    /// <exception cref="ArgumentException">A range the model needs is missing from <paramref name="ranges"/>.</exception>
    public static OnnxModel Quantize(OnnxModel model, IReadOnlyDictionary<string, ActivationRange> ranges)
    {
        var constants = Constants(model);
        var graph = new OnnxGraph();

        // A tensor already coming out of a DequantizeLinear (a quantized Conv's output) needs no second pair.
        var dequantized = new Dictionary<string, (string Name, float Scale)>();
        foreach (var node in model.Graph.Nodes)
        {
            if (!IsQuantizable(node, constants))
            {
                graph.Nodes.Add(node);
                continue;
            }

            var (x, y) = (node.Inputs[0], node.Outputs[0]);
            if (!dequantized.TryGetValue(x, out var input))
            {
                input = AddActivationPair(graph, x, x + "/dq", Range(ranges, x));
                dequantized[x] = input;
            }

            var weight = constants[node.Inputs[1]];
            var weightScales = AddWeight(graph, weight);
            List<string> inputs = [input.Name, weight.Name + "/dq"];
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                var bias = constants[node.Inputs[2]];
                AddBias(graph, bias, input.Scale, weightScales);
                inputs.Add(bias.Name + "/dq");
            }

            // The Conv writes a fresh name; its quantized-and-back output takes the original name, so consumers are untouched.
            graph.Nodes.Add(node with { Inputs = inputs, Outputs = [y + "/conv"] });
            dequantized[y] = AddActivationPair(graph, y + "/conv", y, Range(ranges, y));
        }

        // The fp32 weights and biases now read through their INT8 copies; only what a node still reads stays.
        var read = graph.Nodes.SelectMany(node => node.Inputs).ToHashSet();
        graph.Initializers.AddRange(model.Graph.Initializers.Where(t => read.Contains(t.Name)));
        return model with
        {
            Opset = Math.Max(model.Opset, 13), // per-axis DequantizeLinear
            GraphName = model.GraphName + "/int8",
            Graph = graph,
        };
    }

    private static Dictionary<string, OnnxTensor> Constants(OnnxModel model) =>
        model.Graph.Initializers.ToDictionary(t => t.Name);

    private static bool IsQuantizable(OnnxNode node, Dictionary<string, OnnxTensor> constants) =>
        node.OpType == "Conv"
        && node.Attributes.All(a => a.Name != "group" || a.Int == 1)
        && node.Inputs.Count >= 2
        && !constants.ContainsKey(node.Inputs[0])
        && constants.TryGetValue(node.Inputs[1], out var weight) && weight is { DataType: OnnxDataType.Float, Dims.Length: 4 }
        && (node.Inputs.Count < 3 || node.Inputs[2].Length == 0 || constants.ContainsKey(node.Inputs[2]));

    private static ActivationRange Range(IReadOnlyDictionary<string, ActivationRange> ranges, string tensor) =>
        ranges.TryGetValue(tensor, out var range) ? range : throw new ArgumentException($"no calibration range for tensor '{tensor}'", nameof(ranges));

    private static (string Name, float Scale) AddActivationPair(OnnxGraph graph, string source, string target, ActivationRange range)
    {
        var (scale, zeroPoint) = range.ToUint8();
        var scaleName = graph.Constant(source + "/scale", [], [scale]);
        var zeroName = graph.Constant(OnnxTensor.OfRaw(source + "/zero_point", [], OnnxDataType.Uint8, [zeroPoint]));
        graph.Add(Q, source + "/quantize", [source, scaleName, zeroName], source + "/q");
        graph.Add(Dq, source + "/dequantize", [source + "/q", scaleName, zeroName], target);
        return (target, scale);
    }

    /// <summary>Symmetric per output channel: scale = max |w| / 127, zero point 0.</summary>
    public static (sbyte[] Values, float[] Scales) QuantizeWeight(OnnxTensor weight)
    {
        var channels = (int)weight.Dims[0];
        var values = weight.Floats!;
        var perChannel = values.Length / channels;
        var scales = new float[channels];
        var quantized = new sbyte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var slice = values.AsSpan(c * perChannel, perChannel);
            var peak = 0f;
            foreach (var value in slice)
            {
                peak = Math.Max(peak, Math.Abs(value));
            }

            scales[c] = peak > 0 ? peak / 127f : 1f;
            for (var i = 0; i < perChannel; i++)
            {
                quantized[(c * perChannel) + i] = (sbyte)Math.Clamp(MathF.Round(slice[i] / scales[c]), -127f, 127f);
            }
        }

        return (quantized, scales);
    }

    private static float[] AddWeight(OnnxGraph graph, OnnxTensor weight)
    {
        var (quantized, scales) = QuantizeWeight(weight);
        var name = weight.Name;
        graph.Constant(OnnxTensor.OfRaw(name + "/int8", weight.Dims, OnnxDataType.Int8, MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray()));
        graph.Constant(name + "/scale", [scales.Length], scales);
        graph.Constant(OnnxTensor.OfRaw(name + "/zero_point", [scales.Length], OnnxDataType.Int8, new byte[scales.Length]));
        graph.Add(Dq, name + "/dequantize", [name + "/int8", name + "/scale", name + "/zero_point"], name + "/dq", OnnxAttribute.Of("axis", 0L));
        return scales;
    }

    // The fused convolution accumulates in int32 at scale (input scale × weight scale); the bias must share it.
    private static void AddBias(OnnxGraph graph, OnnxTensor bias, float inputScale, float[] weightScales)
    {
        var values = bias.Floats!;
        var scales = new float[values.Length];
        var quantized = new int[values.Length];
        for (var c = 0; c < values.Length; c++)
        {
            scales[c] = inputScale * weightScales[c];
            quantized[c] = (int)Math.Clamp(Math.Round(values[c] / (double)scales[c]), int.MinValue, int.MaxValue);
        }

        var name = bias.Name;
        graph.Constant(OnnxTensor.OfRaw(name + "/int32", bias.Dims, OnnxDataType.Int32, MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray()));
        graph.Constant(name + "/scale", [values.Length], scales);
        graph.Constant(OnnxTensor.OfRaw(name + "/zero_point", [values.Length], OnnxDataType.Int32, new byte[values.Length * 4]));
        graph.Add(Dq, name + "/dequantize", [name + "/int32", name + "/scale", name + "/zero_point"], name + "/dq", OnnxAttribute.Of("axis", 0L));
    }
}
