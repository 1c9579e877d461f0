namespace Vsr.Engine.Models;

/// <summary>The nodes and initializers of an ONNX graph, built up by the exporters and the variant transforms.</summary>
internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>
    /// The product of the block sizes of the graph's SpaceToDepth nodes (1 without any): along each axis, how many
    /// input pixels one position of the unshuffled tensor covers.
    /// </summary>
    public int UnshuffleFactor => checked((int)Nodes
        .Where(node => node.OpType == "SpaceToDepth")
        .Aggregate(1L, (factor, node) => factor * node.Attributes.First(attribute => attribute.Name == "blocksize").Int));

    public void Add(string opType, string name, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        Nodes.Add(new OnnxNode(opType, name, inputs, [output], attributes));

    /// <summary>Adds a constant and returns its name, for use as a node input.</summary>
    public string Constant(string name, long[] dims, float[] values)
    {
        Initializers.Add(OnnxTensor.Of(name, dims, values));
        return name;
    }

    public string Constant(string name, long[] values)
    {
        Initializers.Add(OnnxTensor.Of(name, [values.Length], values));
        return name;
    }

    /// <summary>Adds any constant and returns its name.</summary>
    public string Constant(OnnxTensor tensor)
    {
        Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Encodes the graph as a model with one float image input [N, 3, H, W] and one image output.</summary>
    public byte[] Encode(string producer, string graphName, string inputName, string outputName) => new OnnxModel
    {
        Producer = producer,
        GraphName = graphName,
        Graph = this,
        Inputs = [OnnxValueInfo.Image(inputName, "H", "W")],
        Outputs = [OnnxValueInfo.Image(outputName, "H_out", "W_out")],
    }.Encode();
}
