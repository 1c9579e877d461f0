namespace Vsr.Engine.Models;

/// <summary>
/// A constant (initializer) tensor: fp32 in <see cref="Floats"/>, int64 in <see cref="Int64s"/>, any other type as
/// little-endian bytes in <see cref="Raw"/> (ONNX's raw_data).
/// </summary>
internal sealed record OnnxTensor(string Name, long[] Dims, OnnxDataType DataType, float[]? Floats = null, long[]? Int64s = null, byte[]? Raw = null)
{
    public static OnnxTensor Of(string name, long[] dims, float[] values) => new(name, dims, OnnxDataType.Float, Floats: values);

    public static OnnxTensor Of(string name, long[] dims, long[] values) => new(name, dims, OnnxDataType.Int64, Int64s: values);

    public static OnnxTensor OfRaw(string name, long[] dims, OnnxDataType type, byte[] bytes) => new(name, dims, type, Raw: bytes);

    public long ElementCount => Dims.Aggregate(1L, (count, dim) => count * dim);
}
