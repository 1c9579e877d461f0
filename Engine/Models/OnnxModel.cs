namespace Vsr.Engine.Models;

/// <summary>
/// A whole ONNX model as the engine writes it: one graph (nodes and initializers), its inputs and outputs, and the
/// default-domain opset. <see cref="OnnxModelReader"/> reads the same subset back, so a model can be transformed.
/// </summary>
internal sealed record OnnxModel
{
    public const long DefaultIrVersion = 8;
    public const long DefaultOpset = 17;

    public long IrVersion { get; init; } = DefaultIrVersion;

    public long Opset { get; init; } = DefaultOpset;

    public string Producer { get; init; } = OnnxGraphBuilder.Producer;

    public string GraphName { get; init; } = "vsr";

    public OnnxGraph Graph { get; init; } = new();

    public List<OnnxValueInfo> Inputs { get; init; } = [];

    public List<OnnxValueInfo> Outputs { get; init; } = [];

    public byte[] Encode() => OnnxModelWriter.Write(this);
}
