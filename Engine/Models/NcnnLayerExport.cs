namespace Vsr.Engine.Models;

/// <summary>Maps ncnn layers one by one onto ONNX nodes, tracking which ONNX value holds each ncnn blob.</summary>
internal sealed class NcnnLayerExport(string finalBlob, string finalName, string inputName)
{
    private readonly Dictionary<string, string> _values = [];

    public OnnxGraph Graph { get; } = new();

    public bool HasInput { get; private set; }

    public void Add(NcnnLayer layer)
    {
        var p = layer.Params;
        switch (layer.Type)
        {
            case "Input":
                Expect(layer, 0, 1);
                if (HasInput)
                {
                    throw new FormatException("a second Input layer is not supported; the graph has one image input");
                }

                HasInput = true;
                Alias(layer.Outputs[0], inputName);
                break;
            case "Split":
                Expect(layer, 1, layer.Outputs.Count);
                foreach (var output in layer.Outputs)
                {
                    Alias(output, Value(layer.Inputs[0]));
                }

                break;
            case "Convolution":
                Expect(layer, 1, 1);
                AddConvolution(layer);
                break;
            case "PReLU":
                Expect(layer, 1, 1);
                var slopes = layer.Weights[0];
                long[] slopeDims = slopes.Length == 1 ? [1] : [slopes.Length, 1, 1];
                var slope = Graph.Constant(layer.Name + ".slope", slopeDims, slopes);
                Graph.Add("PRelu", layer.Name, [Value(layer.Inputs[0]), slope], Produce(layer.Outputs[0]));
                break;
            case "PixelShuffle":
                Expect(layer, 1, 1);
                if (p.GetInt(1, 0) != 0)
                {
                    throw new FormatException($"PixelShuffle mode 1={p.GetInt(1, 0)} is not supported");
                }

                // ncnn's PixelShuffle sends channel c*r*r + i*r + j to (c, y*r+i, x*r+j): ONNX's CRD order.
                Graph.Add("DepthToSpace", layer.Name, [Value(layer.Inputs[0])], Produce(layer.Outputs[0]),
                    OnnxAttribute.Of("blocksize", (long)p.GetInt(0, 1)), OnnxAttribute.Of("mode", "CRD"));
                break;
            case "Interp":
                Expect(layer, 1, 1);
                AddInterp(layer);
                break;
            case "BinaryOp":
                Expect(layer, 2, 1);
                AddBinaryOp(layer);
                break;
            default:
                throw new FormatException($"layer type {layer.Type} is not supported");
        }
    }

    private void AddConvolution(NcnnLayer layer)
    {
        var conv = NcnnConvolution.From(layer);
        var weight = Graph.Constant(layer.Name + ".weight", [conv.OutChannels, conv.InChannels, conv.KernelHeight, conv.KernelWidth], layer.Weights[0]);
        string[] inputs = conv.HasBias
            ? [Value(layer.Inputs[0]), weight, Graph.Constant(layer.Name + ".bias", [conv.OutChannels], layer.Weights[1])]
            : [Value(layer.Inputs[0]), weight];
        Graph.Add("Conv", layer.Name, inputs, Produce(layer.Outputs[0]),
            OnnxAttribute.Of("kernel_shape", conv.KernelHeight, conv.KernelWidth),
            OnnxAttribute.Of("strides", conv.StrideHeight, conv.StrideWidth),
            OnnxAttribute.Of("dilations", conv.DilationHeight, conv.DilationWidth),
            OnnxAttribute.Of("pads", conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight),
            OnnxAttribute.Of("group", 1L));
    }

    private void AddInterp(NcnnLayer layer)
    {
        var p = layer.Params;
        if (p.GetInt(3, 0) != 0 || p.GetInt(4, 0) != 0 || p.GetInt(5, 0) != 0)
        {
            throw new FormatException("Interp to a fixed or dynamic output size (3, 4, 5) is not supported; only scale factors are");
        }

        if (p.GetInt(6, 0) != 0)
        {
            throw new FormatException("Interp with align_corner (6=1) is not supported");
        }

        var attributes = p.GetInt(0, 0) switch
        {
            // ncnn's nearest reads source pixel floor(dst / scale).
            1 => new[]
            {
                OnnxAttribute.Of("mode", "nearest"),
                OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.Of("nearest_mode", "floor"),
            },
            3 => new[]
            {
                OnnxAttribute.Of("mode", "cubic"),
                OnnxAttribute.Of("coordinate_transformation_mode", "half_pixel"),
                OnnxAttribute.Of("cubic_coeff_a", -0.75f),
                OnnxAttribute.Of("exclude_outside", 0L),
            },
            var other => throw new FormatException($"Interp resize type 0={other} is not supported (1 nearest, 3 bicubic are)"),
        };

        var scales = Graph.Constant(layer.Name + ".scales", [4], [1f, 1f, p.GetFloat(1, 1f), p.GetFloat(2, 1f)]);
        Graph.Add("Resize", layer.Name, [Value(layer.Inputs[0]), string.Empty, scales], Produce(layer.Outputs[0]), attributes);
    }

    private void AddBinaryOp(NcnnLayer layer)
    {
        if (layer.Params.GetInt(1, 0) != 0)
        {
            throw new FormatException("BinaryOp with a scalar operand (1=1) is not supported");
        }

        var op = layer.Params.GetInt(0, 0) switch
        {
            0 => "Add",
            1 => "Sub",
            2 => "Mul",
            3 => "Div",
            var other => throw new FormatException($"BinaryOp operation 0={other} is not supported (0..3: add, sub, mul, div are)"),
        };
        Graph.Add(op, layer.Name, [Value(layer.Inputs[0]), Value(layer.Inputs[1])], Produce(layer.Outputs[0]));
    }

    private string Value(string blob) => _values[blob];

    // Internal blobs get a prefix so that no ncnn name can collide with the graph's own names.
    private string Produce(string blob) => _values[blob] = blob == finalBlob ? finalName : "ncnn/" + blob;

    // A Split output or the Input blob is an existing value under another name; ONNX lets many nodes read one value.
    private void Alias(string blob, string value)
    {
        if (blob == finalBlob)
        {
            Graph.Add("Identity", blob + ".identity", [value], finalName);
            value = finalName;
        }

        _values[blob] = value;
    }

    private static void Expect(NcnnLayer layer, int inputs, int outputs)
    {
        if (layer.Inputs.Count != inputs || layer.Outputs.Count != outputs)
        {
            throw new FormatException($"expected {inputs} input(s) and {outputs} output(s), found {layer.Inputs.Count} and {layer.Outputs.Count}");
        }
    }
}
