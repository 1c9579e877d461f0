using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>
/// Frame count and keyframe positions of one stream, read from its packet list (<c>ffprobe -show_entries packet</c>)
/// so nothing is decoded. Packets are put in display order by pts; packets the demuxer marks as discarded
/// (edit lists that start mid-GOP) are not frames of the video and are left out. So are the packets of a stream cut
/// mid-GOP (a transport stream captured from the middle of a broadcast) that come before its first keyframe: they
/// refer to pictures that are not in the file, so the decoder drops them and the video begins at that keyframe.
/// </summary>
/// <param name="FrameCount">Number of frames the stream presents.</param>
/// <param name="KeyframeIndices">Display-order indices of keyframes, ascending, always starting at 0.</param>
/// <param name="KeyframePts">Pts of each keyframe in <paramref name="KeyframeIndices"/>; empty when the stream has packets without pts.</param>
/// <param name="FramePts">Pts of every frame in display order; empty when the stream has packets without pts.</param>
/// <param name="LastFrameDuration">Duration of the last frame in display order, in time-base units; 0 when unknown.</param>
/// <param name="UndecodableLeadingFrames">Packets left out because they come before the first keyframe.</param>
internal sealed record PacketIndex(
    int FrameCount,
    IReadOnlyList<int> KeyframeIndices,
    IReadOnlyList<long> KeyframePts,
    IReadOnlyList<long> FramePts,
    long LastFrameDuration,
    int UndecodableLeadingFrames)
{
    /// <param name="inputOptions">Options before the input (<see cref="SourceInput"/>); a local file's by default.</param>
    public static async Task<PacketIndex> ReadAsync(string path, int streamIndex, CancellationToken cancellationToken,
        IReadOnlyList<string>? inputOptions = null)
    {
        string[] arguments =
        [
            "-v", "error", "-select_streams", streamIndex.ToString(CultureInfo.InvariantCulture),
            "-show_entries", "packet=pts,dts,duration,flags", "-of", "csv=p=0", .. inputOptions ?? SourceInput.LocalFile, path,
        ];
        var packets = new List<Packet>();
        var everyPacketHasPts = true;
        await using (var ffprobe = FfmpegProcess.Start(FfmpegProcess.Ffprobe, arguments, readsOutput: true, cancellationToken))
        {
            ffprobe.Input.Close();
            using var reader = new StreamReader(ffprobe.Output);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (TryParse(line, packets.Count, out var packet))
                {
                    everyPacketHasPts &= packet.Pts is not null;
                    packets.Add(packet);
                }
            }

            await ffprobe.WaitForSuccessAsync(cancellationToken);
            if (SourceInput.TransportFailed(path, ffprobe.StderrTail))
            {
                // ffprobe ends a read cut short as if the file ended there: the count would be short, not wrong about the video.
                throw new SourceUnreadableException("The object store did not serve the whole video to the check.", new IOException(ffprobe.StderrTail));
            }
        }

        return FromPackets(packets, everyPacketHasPts);
    }

    private static PacketIndex FromPackets(List<Packet> packets, bool everyPacketHasPts)
    {
        CheckDecodeTimesGoForward(packets);
        // Leading packets first, discarded ones after: an edit list that trims a file between keyframes keeps the GOP it
        // cuts into, its keyframe and the frames before the cut marked discarded (decoded, not shown). Those frames are
        // references of the shown ones that follow, which decode; with the discarded keyframe out of the list first,
        // the shown frames before the next keyframe would count as undecodable and be dropped.
        var undecodable = RemoveLeadingUndecodable(packets, everyPacketHasPts);
        packets.RemoveAll(p => p.Discarded);
        if (everyPacketHasPts)
        {
            // Ties keep decode order, which is what a decoder would output.
            packets.Sort((a, b) => a.Pts == b.Pts ? a.DecodeOrder.CompareTo(b.DecodeOrder) : a.Pts!.Value.CompareTo(b.Pts!.Value));
        }

        // Without pts there is no way to reorder; intra/P-only codecs (the usual case for such files) need none.
        var keyframeIndices = new List<int>();
        var keyframePts = new List<long>();
        for (var i = 0; i < packets.Count; i++)
        {
            // Frame 0 is always a valid start: a decode from the beginning of the file produces it (it is a
            // keyframe unless the stream flags none).
            if (i == 0 || packets[i].IsKeyframe)
            {
                keyframeIndices.Add(i);
                keyframePts.Add(packets[i].Pts ?? 0);
            }
        }

        var framePts = everyPacketHasPts ? packets.Select(p => p.Pts!.Value).ToArray() : [];
        var lastDuration = packets.Count > 0 ? packets[^1].Duration ?? 0 : 0;
        return new PacketIndex(packets.Count, keyframeIndices, everyPacketHasPts ? keyframePts : [], framePts, lastDuration, undecodable);
    }

    /// <summary>
    /// Removes the packets (in decode order, as read) before the first keyframe, and those shown before it: the
    /// leading pictures of an open GOP refer to the GOP before, which is not in the file. A stream that flags no
    /// keyframe at all is left as it is. Returns how many frames that would have been shown were removed.
    /// </summary>
    private static int RemoveLeadingUndecodable(List<Packet> packets, bool everyPacketHasPts)
    {
        var first = packets.FindIndex(p => p.IsKeyframe);
        if (first < 0)
        {
            return 0;
        }

        var (firstOrder, firstPts) = (packets[first].DecodeOrder, packets[first].Pts);
        var shown = 0;
        packets.RemoveAll(p =>
        {
            var leading = p.DecodeOrder < firstOrder || (everyPacketHasPts && p.Pts < firstPts);
            shown += leading && !p.Discarded ? 1 : 0;
            return leading;
        });
        return shown;
    }

    /// <summary>
    /// Refuses a stream whose decode times jump back: a recording that spans a clock reset, or transport streams joined
    /// end to end. Sorted by pts, its two runs would interleave into one scrambled video. Discarded packets do not
    /// count: an MP4 with several edit-list entries decodes the lead-in of each entry again, marked discarded, at decode
    /// times before the end of the one before.
    /// </summary>
    private static void CheckDecodeTimesGoForward(List<Packet> packets)
    {
        long? last = null;
        foreach (var packet in packets)
        {
            if (packet.Discarded || packet.Dts is not { } dts)
            {
                continue;
            }

            if (dts < last)
            {
                throw new InvalidVideoException(
                    $"its timestamps jump back at packet {packet.DecodeOrder} (a recording across a clock reset, or files joined end to end); " +
                    "remux it first, for example: ffmpeg -i in.ts -map 0 -c copy out.mkv");
            }

            last = dts;
        }
    }

    private static bool TryParse(string line, int decodeOrder, out Packet packet)
    {
        // "pts,dts,duration,flags" (ffprobe's own field order) — some demuxers append an empty field, so only the first four matter.
        var fields = line.Split(',');
        if (fields.Length < 4 || fields[3].Length == 0 || fields[3].Any(c => c is not ('K' or 'D' or 'C' or '_')))
        {
            packet = default;
            return false;
        }

        var flags = fields[3];
        packet = new Packet(ParseTicks(fields[0]), ParseTicks(fields[1]), ParseTicks(fields[2]), flags.Contains('K'), flags.Contains('D'), decodeOrder);
        return true;
    }

    private static long? ParseTicks(string field) =>
        long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private readonly record struct Packet(long? Pts, long? Dts, long? Duration, bool IsKeyframe, bool Discarded, int DecodeOrder);
}
