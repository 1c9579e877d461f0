using System.Buffers.Binary;
using System.Text;

namespace Vsr.Train.Native;

/// <summary>
/// Reads and edits the version-needed table (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF file.
/// ld.so refuses a library whose needed version is missing unless the entry is marked weak.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint SectionVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
    private const ushort WeakFlag = 0x2;                   // VER_FLG_WEAK

    /// <summary>Whether <paramref name="version"/> is needed and not weak.</summary>
    public static bool IsStrictlyNeeded(byte[] elf, string version) =>
        Entries(elf).Any(e => e.Name == version && (e.Flags & WeakFlag) == 0);

    /// <summary>Marks every entry named <paramref name="version"/> weak; returns how many changed.</summary>
    public static int MarkWeak(byte[] elf, string version)
    {
        var changed = 0;
        foreach (var entry in Entries(elf).Where(e => e.Name == version && (e.Flags & WeakFlag) == 0))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(entry.FlagsOffset), (ushort)(entry.Flags | WeakFlag));
            changed++;
        }

        return changed;
    }

    private static IEnumerable<(string Name, ushort Flags, int FlagsOffset)> Entries(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        var span = elf.AsSpan();
        var sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3a..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3c..]);
        var result = new List<(string, ushort, int)>();
        for (var i = 0; i < sectionCount; i++)
        {
            var header = span[(sectionTable + i * sectionSize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != SectionVersionNeeds)
            {
                continue;
            }

            var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[(sectionTable + link * sectionSize + 0x18)..]);
            ReadNeeds(span, offset, strings, result);
        }

        return result;
    }

    // Elf64_Verneed { u16 version, u16 cnt, u32 file, u32 aux, u32 next }; Elf64_Vernaux { u32 hash, u16 flags, u16 other, u32 name, u32 next }.
    private static void ReadNeeds(ReadOnlySpan<byte> span, int need, int strings, List<(string, ushort, int)> result)
    {
        while (true)
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
            var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
            for (var j = 0; j < count; j++)
            {
                var name = ReadString(span, strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]));
                result.Add((name, BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]), aux + 4));
                var nextAux = BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                if (nextAux == 0)
                {
                    break;
                }

                aux += (int)nextAux;
            }

            var next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
            if (next == 0)
            {
                return;
            }

            need += (int)next;
        }
    }

    private static string ReadString(ReadOnlySpan<byte> span, int start)
    {
        var end = span[start..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(span.Slice(start, end));
    }
}
