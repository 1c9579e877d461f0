using System.Buffers.Binary;
using System.Text;

namespace Vsr.Engine.Models;

/// <summary>
/// Reads protobuf wire format one field at a time: the counterpart of <see cref="ProtobufWriter"/>. Fields a caller
/// does not know are skipped with <see cref="Skip"/>, as protobuf intends.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    public const int VarintWire = 0;
    public const int Fixed64Wire = 1;
    public const int LengthDelimitedWire = 2;
    public const int Fixed32Wire = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        return field is 0 or > int.MaxValue
            ? throw new InvalidDataException($"invalid protobuf field number at byte {_position}")
            : ((int)field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Next();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException($"varint longer than ten bytes at byte {_position}");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public ReadOnlySpan<byte> ReadBytes() => Take(checked((int)ReadVarint()));

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads a repeated int64 field in either encoding: packed (length-delimited) or one varint.</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType != LengthDelimitedWire)
        {
            Expect(wireType, VarintWire);
            into.Add(ReadInt64());
            return;
        }

        var packed = new ProtobufReader(ReadBytes());
        while (!packed.AtEnd)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field in either encoding: packed (length-delimited) or one fixed32.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType != LengthDelimitedWire)
        {
            Expect(wireType, Fixed32Wire);
            into.Add(ReadFloat());
            return;
        }

        var packed = ReadBytes();
        if (packed.Length % 4 != 0)
        {
            throw new InvalidDataException($"packed floats of {packed.Length} bytes");
        }

        for (var i = 0; i < packed.Length; i += 4)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
        }
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case VarintWire:
                ReadVarint();
                break;
            case Fixed64Wire:
                Take(8);
                break;
            case LengthDelimitedWire:
                ReadBytes();
                break;
            case Fixed32Wire:
                Take(4);
                break;
            default:
                throw new InvalidDataException($"unsupported protobuf wire type {wireType} at byte {_position}");
        }
    }

    public static void Expect(int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw new InvalidDataException($"protobuf wire type {wireType} where {expected} was expected");
        }
    }

    private byte Next() => _position < _data.Length
        ? _data[_position++]
        : throw new InvalidDataException("protobuf data ends inside a field");

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || length > _data.Length - _position)
        {
            throw new InvalidDataException($"protobuf field of {length} bytes runs past the end at byte {_position}");
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }
}
