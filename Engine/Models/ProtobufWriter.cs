using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Vsr.Engine.Models;

/// <summary>
/// The few protobuf wire-format primitives ONNX export needs: varints, fixed32 floats and
/// length-delimited fields (strings, bytes, packed arrays, nested messages).
/// </summary>
internal sealed class ProtobufWriter
{
    private const int VarintWire = 0;
    private const int LengthDelimitedWire = 2;
    private const int Fixed32Wire = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Writes int32/int64/enum/bool fields; negative values take ten bytes, as protobuf requires.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, VarintWire);
        WriteVarint((ulong)value);
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, Fixed32Wire);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimitedWire);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void WritePackedFloats(int field, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        WriteTag(field, LengthDelimitedWire);
        WriteVarint((ulong)values.Length * 4);
        var span = _buffer.GetSpan(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
        }

        _buffer.Advance(values.Length * 4);
    }

    public void WritePackedInt64s(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var packed = new ProtobufWriter();
        foreach (var value in values)
        {
            packed.WriteVarint((ulong)value);
        }

        WriteBytes(field, packed.WrittenSpan);
    }

    /// <summary>Writes a nested message; its length prefix is only known once it is encoded, so it goes through a child buffer.</summary>
    public void WriteMessage(int field, Action<ProtobufWriter> writeBody)
    {
        var body = new ProtobufWriter();
        writeBody(body);
        WriteBytes(field, body.WrittenSpan);
    }

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        _buffer.Advance(length);
    }
}
