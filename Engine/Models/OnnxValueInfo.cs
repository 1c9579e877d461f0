namespace Vsr.Engine.Models;

/// <summary>
/// A graph input or output: its name, element type and shape. Each dimension is a size or, when
/// <see cref="OnnxDimension.Param"/> is set, a named symbolic size; a null shape means the rank is unknown.
/// </summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDimension>? Shape)
{
    /// <summary>An image tensor [N, 3, height, width] with symbolic batch, height and width.</summary>
    public static OnnxValueInfo Image(string name, string height, string width) =>
        new(name, OnnxDataType.Float, [new(0, "N"), new(3), new(0, height), new(0, width)]);
}

internal readonly record struct OnnxDimension(long Value, string? Param = null);
