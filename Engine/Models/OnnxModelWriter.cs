namespace Vsr.Engine.Models;

/// <summary>
/// Encodes an <see cref="OnnxModel"/> to ModelProto bytes. The numbers below are ONNX's protobuf field numbers
/// (onnx.proto, IR version 8).
/// </summary>
internal static class OnnxModelWriter
{
    public static byte[] Write(OnnxModel model)
    {
        var w = new ProtobufWriter();
        w.WriteInt64(1, model.IrVersion);
        w.WriteString(2, model.Producer);
        w.WriteMessage(7, graph => WriteGraph(graph, model));
        w.WriteMessage(8, opset =>
        {
            opset.WriteString(1, string.Empty);
            opset.WriteInt64(2, model.Opset);
        });
        return w.ToArray();
    }

    private static void WriteGraph(ProtobufWriter graph, OnnxModel model)
    {
        foreach (var node in model.Graph.Nodes)
        {
            graph.WriteMessage(1, w => WriteNode(w, node));
        }

        graph.WriteString(2, model.GraphName);
        foreach (var tensor in model.Graph.Initializers)
        {
            graph.WriteMessage(5, w => WriteTensor(w, tensor));
        }

        foreach (var input in model.Inputs)
        {
            graph.WriteMessage(11, w => WriteValueInfo(w, input));
        }

        foreach (var output in model.Outputs)
        {
            graph.WriteMessage(12, w => WriteValueInfo(w, output));
        }
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
        w.WriteInt64(2, (long)tensor.DataType);
        w.WritePackedFloats(4, tensor.Floats);
        w.WritePackedInt64s(7, tensor.Int64s);
        w.WriteString(8, tensor.Name);
        if (tensor.Raw is not null)
        {
            w.WriteBytes(9, tensor.Raw);
        }
    }

    // ValueInfoProto { name, TypeProto { tensor_type { elem_type, shape { dim { dim_value | dim_param } } } } }
    private static void WriteValueInfo(ProtobufWriter w, OnnxValueInfo info)
    {
        w.WriteString(1, info.Name);
        w.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, (long)info.ElementType);
            if (info.Shape is null)
            {
                return;
            }

            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in info.Shape)
                {
                    shape.WriteMessage(1, d =>
                    {
                        if (dim.Param is null)
                        {
                            d.WriteInt64(1, dim.Value);
                        }
                        else
                        {
                            d.WriteString(2, dim.Param);
                        }
                    });
                }
            });
        }));
    }
}
