using System.Buffers.Binary;
using System.Text;

namespace Vsr.Engine.Media;

/// <summary>
/// Streams raw RGB24 frames to ffmpeg as Matroska (<c>V_UNCOMPRESSED</c>, colour space <c>RGB24</c>) so that each
/// frame carries its own timestamp and duration. A bare rawvideo pipe has no timing, which would force a constant
/// frame rate onto sources that have none. Only the handful of elements ffmpeg needs are written; the segment has
/// an unknown size because the stream length is not known in advance.
/// </summary>
internal sealed class RawVideoMatroskaWriter(Stream output, int width, int height)
{
    private const long UnknownSize = 0x00FF_FFFF_FFFF_FFFF;
    private readonly byte[] _frameHeader = new byte[FrameHeaderLength];

    // Cluster{Timestamp, BlockGroup{Block{track, time, flags, data}, BlockDuration}} around each frame.
    private const int FrameHeaderLength = (4 + 8) + (1 + 8 + 8) + (1 + 8) + (1 + 8 + 4);
    private const int FrameTrailerLength = 1 + 8 + 8;

    public async Task WriteHeaderAsync(CancellationToken cancellationToken)
    {
        var ebml = Element(0x1A45DFA3,
            UInt(0x4286, 1), UInt(0x42F7, 1), UInt(0x42F2, 4), UInt(0x42F3, 8),
            Text(0x4282, "matroska"), UInt(0x4287, 4), UInt(0x4285, 2));
        var segmentHead = Id(0x18538067).Concat(Size(UnknownSize)).ToArray();
        var info = Element(0x1549A966, UInt(0x2AD7B1, 1000), Text(0x4D80, "vsr"), Text(0x5741, "vsr"));
        var video = Element(0xE0, UInt(0xB0, (ulong)width), UInt(0xBA, (ulong)height), Element(0x2EB524, "RGB\u0018"u8.ToArray()));
        var track = Element(0xAE, UInt(0xD7, 1), UInt(0x73C5, 1), UInt(0x83, 1), Text(0x86, "V_UNCOMPRESSED"), video);
        var tracks = Element(0x1654AE6B, track);
        await output.WriteAsync(Concat(ebml, segmentHead, info, tracks), cancellationToken);
    }

    /// <param name="frame">Packed RGB24, <c>width*height*3</c> bytes.</param>
    /// <param name="startMicros">When the frame is shown, in microseconds (the segment's time unit).</param>
    /// <param name="durationMicros">How long it is shown.</param>
    public async Task WriteFrameAsync(byte[] frame, long startMicros, long durationMicros, CancellationToken cancellationToken)
    {
        var n = frame.Length;
        var span = _frameHeader.AsSpan();
        var at = 0;
        at += WriteId(span[at..], 0x1F43B675);
        at += WriteSize(span[at..], (1 + 8 + 8) + (1 + 8 + (1 + 8 + 4 + n) + FrameTrailerLength));
        at += WriteId(span[at..], 0xE7);
        at += WriteSize(span[at..], 8);
        BinaryPrimitives.WriteInt64BigEndian(span[at..], startMicros);
        at += 8;
        at += WriteId(span[at..], 0xA0);
        at += WriteSize(span[at..], (1 + 8 + 4 + n) + FrameTrailerLength);
        at += WriteId(span[at..], 0xA1);
        at += WriteSize(span[at..], 4 + n);
        span[at++] = 0x81; // track 1
        span[at++] = 0;    // time relative to the cluster (int16)
        span[at++] = 0;
        span[at] = 0;      // flags

        var trailer = new byte[FrameTrailerLength];
        WriteId(trailer, 0x9B);
        WriteSize(trailer.AsSpan(1), 8);
        BinaryPrimitives.WriteInt64BigEndian(trailer.AsSpan(9), durationMicros);

        await output.WriteAsync(_frameHeader, cancellationToken);
        await output.WriteAsync(frame, cancellationToken);
        await output.WriteAsync(trailer, cancellationToken);
    }

    private static byte[] Element(uint id, params byte[][] children)
    {
        var body = Concat(children);
        return Concat(Id(id), Size(body.Length), body);
    }

    private static byte[] UInt(uint id, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Element(id, bytes);
    }

    private static byte[] Text(uint id, string value) => Element(id, Encoding.ASCII.GetBytes(value));

    private static byte[] Id(uint id)
    {
        var bytes = new byte[4];
        return bytes[..WriteId(bytes, id)];
    }

    private static byte[] Size(long size)
    {
        var bytes = new byte[8];
        WriteSize(bytes, size);
        return bytes;
    }

    /// <summary>Element ids are written with their length marker included, as the specification lists them.</summary>
    private static int WriteId(Span<byte> target, uint id)
    {
        var length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        for (var i = 0; i < length; i++)
        {
            target[i] = (byte)(id >> (8 * (length - 1 - i)));
        }

        return length;
    }

    /// <summary>Sizes always use the 8-byte form, so a header's length does not depend on the frame size.</summary>
    private static int WriteSize(Span<byte> target, long size)
    {
        target[0] = 0x01;
        for (var i = 1; i < 8; i++)
        {
            target[i] = (byte)(size >> (8 * (7 - i)));
        }

        return 8;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }

        return result;
    }
}
