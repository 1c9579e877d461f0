using System.Runtime.InteropServices;
using W = Vsr.Engine.Models.ProtobufReader;

namespace Vsr.Engine.Models;

/// <summary>
/// Reads the subset of ONNX that <see cref="OnnxModelWriter"/> writes: one graph of default-domain nodes with
/// float/int/string/ints attributes, initializers, typed inputs and outputs, and the default-domain opset.
/// Unknown fields (doc strings, metadata, value_info) are skipped; features outside the subset are refused.
/// </summary>
internal static class OnnxModelReader
{
    /// <exception cref="InvalidDataException">The bytes are not such a model.</exception>
    public static OnnxModel Read(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        long irVersion = 0;
        long? opset = null;
        var producer = string.Empty;
        OnnxModel? model = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    irVersion = r.ReadInt64();
                    break;
                case 2:
                    producer = r.ReadString();
                    break;
                case 7:
                    model = ReadGraph(r.ReadBytes());
                    break;
                case 8:
                    var (domain, version) = ReadOpset(r.ReadBytes());
                    if (domain is not ("" or "ai.onnx"))
                    {
                        throw new InvalidDataException($"opset domain '{domain}' is not supported; only the default domain is");
                    }

                    opset = version;
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        if (model is null || opset is null)
        {
            throw new InvalidDataException("the model has no graph or no default-domain opset");
        }

        return model with { IrVersion = irVersion, Opset = opset.Value, Producer = producer };
    }

    private static OnnxModel ReadGraph(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        var model = new OnnxModel();
        var name = string.Empty;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    model.Graph.Nodes.Add(ReadNode(r.ReadBytes()));
                    break;
                case 2:
                    name = r.ReadString();
                    break;
                case 5:
                    model.Graph.Initializers.Add(ReadTensor(r.ReadBytes()));
                    break;
                case 11:
                    model.Inputs.Add(ReadValueInfo(r.ReadBytes()));
                    break;
                case 12:
                    model.Outputs.Add(ReadValueInfo(r.ReadBytes()));
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        // Initializers may also be listed as inputs (IR < 4 style); they are constants, not inputs a caller feeds.
        var constants = model.Graph.Initializers.Select(t => t.Name).ToHashSet();
        model.Inputs.RemoveAll(input => constants.Contains(input.Name));
        return model with { GraphName = name };
    }

    private static (string Domain, long Version) ReadOpset(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        var (domain, version) = (string.Empty, 0L);
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    domain = r.ReadString();
                    break;
                case 2:
                    version = r.ReadInt64();
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return (domain, version);
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        List<string> inputs = [], outputs = [];
        List<OnnxAttribute> attributes = [];
        var (name, opType) = (string.Empty, string.Empty);
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    inputs.Add(r.ReadString());
                    break;
                case 2:
                    outputs.Add(r.ReadString());
                    break;
                case 3:
                    name = r.ReadString();
                    break;
                case 4:
                    opType = r.ReadString();
                    break;
                case 5:
                    attributes.Add(ReadAttribute(r.ReadBytes()));
                    break;
                case 7:
                    var domain = r.ReadString();
                    if (domain is not ("" or "ai.onnx"))
                    {
                        throw new InvalidDataException($"node {name} is in domain '{domain}'; only the default domain is supported");
                    }

                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return new OnnxNode(opType, name, inputs, outputs, attributes);
    }

    private static OnnxAttribute ReadAttribute(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        var name = string.Empty;
        var (f, i, s) = (0f, 0L, string.Empty);
        List<long> ints = [];
        OnnxAttributeKind? kind = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    name = r.ReadString();
                    break;
                case 2:
                    f = r.ReadFloat();
                    break;
                case 3:
                    i = r.ReadInt64();
                    break;
                case 4:
                    s = r.ReadString();
                    break;
                case 8:
                    r.ReadInt64s(wire, ints);
                    break;
                case 20:
                    kind = (OnnxAttributeKind)r.ReadInt64();
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return kind switch
        {
            OnnxAttributeKind.Float => OnnxAttribute.Of(name, f),
            OnnxAttributeKind.Int => OnnxAttribute.Of(name, i),
            OnnxAttributeKind.String => OnnxAttribute.Of(name, s),
            OnnxAttributeKind.Ints => OnnxAttribute.Of(name, ints.ToArray()),
            _ => throw new InvalidDataException($"attribute {name} has type {(int?)kind}; only float, int, string and ints are supported"),
        };
    }

    private static OnnxTensor ReadTensor(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        List<long> dims = [], int64s = [];
        List<float> floats = [];
        var name = string.Empty;
        var type = OnnxDataType.Float;
        byte[]? raw = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case 1:
                    r.ReadInt64s(wire, dims);
                    break;
                case 2:
                    type = (OnnxDataType)r.ReadInt64();
                    break;
                case 4:
                    r.ReadFloats(wire, floats);
                    break;
                case 7:
                    r.ReadInt64s(wire, int64s);
                    break;
                case 8:
                    name = r.ReadString();
                    break;
                case 9:
                    raw = r.ReadBytes().ToArray();
                    break;
                case 13 or 14:
                    throw new InvalidDataException($"initializer {name} keeps its data outside the model file; that is not supported");
                default:
                    r.Skip(wire);
                    break;
            }
        }

        var dimArray = dims.ToArray();
        return type switch
        {
            OnnxDataType.Float => OnnxTensor.Of(name, dimArray, raw is null ? floats.ToArray() : MemoryMarshal.Cast<byte, float>(raw).ToArray()),
            OnnxDataType.Int64 => OnnxTensor.Of(name, dimArray, raw is null ? int64s.ToArray() : MemoryMarshal.Cast<byte, long>(raw).ToArray()),
            OnnxDataType.Uint8 or OnnxDataType.Int8 or OnnxDataType.Int32 or OnnxDataType.Float16 when raw is not null =>
                OnnxTensor.OfRaw(name, dimArray, type, raw),
            _ => throw new InvalidDataException($"initializer {name} of data type {(int)type} is not supported (raw_data of uint8, int8, int32, float16; float; int64 are)"),
        };
    }

    private static OnnxValueInfo ReadValueInfo(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        var name = string.Empty;
        var type = OnnxDataType.Float;
        List<OnnxDimension>? shape = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field == 1)
            {
                name = r.ReadString();
            }
            else if (field == 2)
            {
                (type, shape) = ReadTensorType(r.ReadBytes());
            }
            else
            {
                r.Skip(wire);
            }
        }

        return new OnnxValueInfo(name, type, shape);
    }

    // TypeProto { tensor_type (1) { elem_type (1), shape (2) { dim (1) { dim_value (1) | dim_param (2) } } } }
    private static (OnnxDataType Type, List<OnnxDimension>? Shape) ReadTensorType(ReadOnlySpan<byte> typeProto)
    {
        var r = new W(typeProto);
        var type = OnnxDataType.Float;
        List<OnnxDimension>? shape = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field != 1)
            {
                throw new InvalidDataException($"value type {field} is not supported; only tensors are");
            }

            var tensor = new W(r.ReadBytes());
            while (!tensor.AtEnd)
            {
                var (tensorField, tensorWire) = tensor.ReadTag();
                if (tensorField == 1)
                {
                    type = (OnnxDataType)tensor.ReadInt64();
                }
                else if (tensorField == 2)
                {
                    shape = ReadShape(tensor.ReadBytes());
                }
                else
                {
                    tensor.Skip(tensorWire);
                }
            }
        }

        return (type, shape);
    }

    private static List<OnnxDimension> ReadShape(ReadOnlySpan<byte> bytes)
    {
        var r = new W(bytes);
        var dims = new List<OnnxDimension>();
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field != 1)
            {
                r.Skip(wire);
                continue;
            }

            var dim = new W(r.ReadBytes());
            var value = new OnnxDimension(0);
            while (!dim.AtEnd)
            {
                var (dimField, dimWire) = dim.ReadTag();
                value = dimField switch
                {
                    1 => new OnnxDimension(dim.ReadInt64()),
                    2 => new OnnxDimension(0, dim.ReadString()),
                    _ => SkipAndKeep(ref dim, dimWire, value),
                };
            }

            dims.Add(value);
        }

        return dims;
    }

    private static OnnxDimension SkipAndKeep(ref W reader, int wire, OnnxDimension value)
    {
        reader.Skip(wire);
        return value;
    }
}
