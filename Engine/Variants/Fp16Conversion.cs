using Vsr.Engine.Models;

namespace Vsr.Engine.Variants;

/// <summary>
/// Turns an fp32 model into one that computes in fp16: float initializers become float16, and a Cast at every
/// graph input and output keeps the model's interface fp32, so callers feed and read the same tensors as before.
/// </summary>
internal static class Fp16Conversion
{
    private const long Float16 = (long)OnnxDataType.Float16;
    private const long Float = (long)OnnxDataType.Float;
    private const string Suffix = "/fp16";

    public static OnnxModel Convert(OnnxModel model)
    {
        var keepFloat = model.Graph.Nodes
            .SelectMany(node => node.Inputs.Select((input, index) => (node, input, index)))
            .Where(use => StaysFloat(use.node, use.index))
            .Select(use => use.input)
            .ToHashSet();
        var graph = new OnnxGraph();
        foreach (var tensor in model.Graph.Initializers)
        {
            graph.Initializers.Add(tensor.DataType == OnnxDataType.Float && !keepFloat.Contains(tensor.Name) ? ToHalf(tensor) : tensor);
        }

        // Every use of a float input or output inside the graph reads its fp16 twin instead.
        var renamed = model.Inputs.Concat(model.Outputs)
            .Where(value => value.ElementType == OnnxDataType.Float)
            .ToDictionary(value => value.Name, value => value.Name + Suffix);
        foreach (var input in model.Inputs.Where(i => renamed.ContainsKey(i.Name)))
        {
            graph.Add("Cast", input.Name + "/to_fp16", [input.Name], renamed[input.Name], OnnxAttribute.Of("to", Float16));
        }

        foreach (var node in model.Graph.Nodes)
        {
            graph.Nodes.Add(node with
            {
                Inputs = node.Inputs.Select(name => renamed.GetValueOrDefault(name, name)).ToArray(),
                Outputs = node.Outputs.Select(name => renamed.GetValueOrDefault(name, name)).ToArray(),
            });
        }

        foreach (var output in model.Outputs.Where(o => renamed.ContainsKey(o.Name)))
        {
            graph.Add("Cast", output.Name + "/to_fp32", [renamed[output.Name]], output.Name, OnnxAttribute.Of("to", Float));
        }

        return model with { GraphName = model.GraphName + Suffix, Graph = graph };
    }

    // Resize takes its roi and scales as fp32 whatever the data's type.
    private static bool StaysFloat(OnnxNode node, int inputIndex) => node.OpType == "Resize" && inputIndex >= 1;

    private static OnnxTensor ToHalf(OnnxTensor tensor)
    {
        var values = tensor.Floats!;
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
        }

        return OnnxTensor.OfRaw(tensor.Name, tensor.Dims, OnnxDataType.Float16, bytes);
    }
}
