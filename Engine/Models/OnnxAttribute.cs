namespace Vsr.Engine.Models;

/// <summary>One ONNX node attribute; exactly one of the value properties is set, as <see cref="Kind"/> says.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeKind Kind, long Int = 0, float Float = 0, string Text = "", long[]? Ints = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeKind.Int, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeKind.Float, Float: value);

    public static OnnxAttribute Of(string name, string value) => new(name, OnnxAttributeKind.String, Text: value);

    public static OnnxAttribute Of(string name, params long[] values) => new(name, OnnxAttributeKind.Ints, Ints: values);
}

/// <summary>The values of ONNX's AttributeProto.AttributeType that export uses.</summary>
internal enum OnnxAttributeKind
{
    Float = 1,
    Int = 2,
    String = 3,
    Ints = 7,
}
