namespace Vsr.Engine.Models;

/// <summary>The values of ONNX's TensorProto.DataType that the engine reads and writes.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Uint8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}
