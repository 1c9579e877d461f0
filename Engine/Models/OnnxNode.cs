namespace Vsr.Engine.Models;

/// <summary>One ONNX operator call. An empty input name means an omitted optional input.</summary>
internal sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes);
