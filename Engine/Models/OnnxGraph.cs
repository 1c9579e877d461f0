namespace Vsr.Engine.Models;

/// <summary>
/// An ONNX graph with one float input [N, 3, H, W] and one float output, encoded to ModelProto bytes.
/// The numbers below are ONNX's protobuf field numbers (onnx.proto, IR version 8).
/// </summary>
internal sealed class OnnxGraph
{
    private const long IrVersion = 8;
    private const long Opset = 17;
    private const int FloatType = 1;
    private const int Int64Type = 7;

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public void Add(string opType, string name, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        Nodes.Add(new OnnxNode(opType, name, inputs, [output], attributes));

    /// <summary>Adds a constant and returns its name, for use as a node input.</summary>
    public string Constant(string name, long[] dims, float[] values)
    {
        Initializers.Add(new OnnxTensor(name, dims, Floats: values));
        return name;
    }

    public string Constant(string name, long[] values)
    {
        Initializers.Add(new OnnxTensor(name, [values.Length], Int64s: values));
        return name;
    }

    public byte[] Encode(string producer, string graphName, string inputName, string outputName)
    {
        var model = new ProtobufWriter();
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, producer);
        model.WriteMessage(7, graph => WriteGraph(graph, graphName, inputName, outputName));
        model.WriteMessage(8, opset =>
        {
            opset.WriteString(1, string.Empty);
            opset.WriteInt64(2, Opset);
        });
        return model.ToArray();
    }

    private void WriteGraph(ProtobufWriter graph, string graphName, string inputName, string outputName)
    {
        foreach (var node in Nodes)
        {
            graph.WriteMessage(1, w => WriteNode(w, node));
        }

        graph.WriteString(2, graphName);
        foreach (var tensor in Initializers)
        {
            graph.WriteMessage(5, w => WriteTensor(w, tensor));
        }

        graph.WriteMessage(11, w => WriteImageValueInfo(w, inputName, "H", "W"));
        graph.WriteMessage(12, w => WriteImageValueInfo(w, outputName, "H_out", "W_out"));
    }

    private static void WriteNode(ProtobufWriter w, OnnxNode node)
    {
        foreach (var input in node.Inputs)
        {
            w.WriteString(1, input);
        }

        foreach (var output in node.Outputs)
        {
            w.WriteString(2, output);
        }

        w.WriteString(3, node.Name);
        w.WriteString(4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            w.WriteMessage(5, a => WriteAttribute(a, attribute));
        }
    }

    private static void WriteAttribute(ProtobufWriter w, OnnxAttribute attribute)
    {
        w.WriteString(1, attribute.Name);
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                w.WriteFloat(2, attribute.Float);
                break;
            case OnnxAttributeKind.Int:
                w.WriteInt64(3, attribute.Int);
                break;
            case OnnxAttributeKind.String:
                w.WriteString(4, attribute.Text);
                break;
            case OnnxAttributeKind.Ints:
                w.WritePackedInt64s(8, attribute.Ints);
                break;
        }

        w.WriteInt64(20, (long)attribute.Kind);
    }

    private static void WriteTensor(ProtobufWriter w, OnnxTensor tensor)
    {
        w.WritePackedInt64s(1, tensor.Dims);
        w.WriteInt64(2, tensor.Floats is null ? Int64Type : FloatType);
        w.WritePackedFloats(4, tensor.Floats);
        w.WritePackedInt64s(7, tensor.Int64s);
        w.WriteString(8, tensor.Name);
    }

    // ValueInfoProto { name, TypeProto { tensor_type { elem_type, shape [N, 3, height, width] } } }
    private static void WriteImageValueInfo(ProtobufWriter w, string name, string height, string width)
    {
        w.WriteString(1, name);
        w.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, FloatType);
            tensor.WriteMessage(2, shape =>
            {
                shape.WriteMessage(1, dim => dim.WriteString(2, "N"));
                shape.WriteMessage(1, dim => dim.WriteInt64(1, 3));
                shape.WriteMessage(1, dim => dim.WriteString(2, height));
                shape.WriteMessage(1, dim => dim.WriteString(2, width));
            });
        }));
    }
}
