using System.Buffers.Binary;
using System.Text;

namespace Vsr.Train.Data;

/// <summary>
/// Reads one entry of an Enlightenment EET container (.edj). Layout: big-endian u32 magic, u32 entry count,
/// u32 dictionary count, then per entry six i32: data offset, data size, uncompressed size, name offset,
/// name size, flags. Only stored (uncompressed) entries are read, which is how the backgrounds keep their JPEGs.
/// </summary>
public static class EetArchive
{
    private const uint Magic = 0x1ee70f42;

    public static byte[] ReadEntry(byte[] file, string name)
    {
        var span = file.AsSpan();
        if (file.Length < 12 || BinaryPrimitives.ReadUInt32BigEndian(span) != Magic)
        {
            throw new InvalidDataException("not an EET file");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(span[4..]);
        for (var i = 0; i < count; i++)
        {
            var entry = span.Slice(12 + 24 * i, 24);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry);
            var size = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            var unpacked = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            var nameOffset = BinaryPrimitives.ReadInt32BigEndian(entry[12..]);
            var nameSize = BinaryPrimitives.ReadInt32BigEndian(entry[16..]);
            var entryName = Encoding.UTF8.GetString(span.Slice(nameOffset, nameSize)).TrimEnd('\0');
            if (entryName != name)
            {
                continue;
            }

            if (size != unpacked)
            {
                throw new InvalidDataException($"entry {name} is compressed; only stored entries are supported");
            }

            return span.Slice(offset, size).ToArray();
        }

        throw new InvalidDataException($"no entry {name}");
    }
}
