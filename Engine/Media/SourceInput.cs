namespace Vsr.Engine.Media;

/// <summary>
/// The input options that go before <c>-i</c> wherever ffmpeg or ffprobe opens a video a user sent. A user's file decides
/// which demuxer reads it, and some demuxers open further inputs named in the file: an HLS or DASH playlist, a concat
/// list or an image sequence would make the service fetch URLs inside its network or read its own files. Only
/// self-contained container and elementary-stream formats are allowed, and only the protocols the service itself means
/// to use: a local file, or the object store over http(s).
/// </summary>
public static class SourceInput
{
    /// <summary>The demuxers a source may be read by (ffmpeg's names; <c>-format_whitelist</c>).</summary>
    public const string Formats =
        "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,mpegtsraw,mpeg,mpegvideo,m4v,h261,h263,h264,hevc,av1,obu,ivf,vc1,dirac,dnxhd," +
        "cavsvideo,avs2,avs3,mjpeg,mjpeg_2000,mpjpeg,flv,live_flv,asf,asf_o,ogg,mxf,gxf,lxf,nut,dv,yuv4mpegpipe,wtv,rm,nuv,gif,apng,smjpeg,mtv," +
        "dhav,r3d";

    /// <summary>How long a read from the object store may stall before ffprobe gives up, in microseconds.</summary>
    private const string StallMicroseconds = "30000000";

    /// <summary>
    /// A wider first look (a minute, 200 MB) for streams whose first packets come late, such as a second language that
    /// starts after the opening; ffmpeg stops looking as soon as every stream's parameters are known.
    /// </summary>
    public static IReadOnlyList<string> WideLook { get; } = ["-analyzeduration", "60000000", "-probesize", "200000000"];

    /// <summary>For a source on the local disk.</summary>
    public static IReadOnlyList<string> LocalFile { get; } = ["-protocol_whitelist", "file", "-format_whitelist", Formats];

    /// <summary>
    /// For a source read in place from the object store over a presigned URL. With <paramref name="eTag"/>, every request
    /// asks for that version only (<c>If-Match</c>), so an object written again during the read fails it instead of
    /// being read half old and half new.
    /// </summary>
    public static IReadOnlyList<string> Url(string? eTag) =>
    [
        "-protocol_whitelist", "http,https,tcp,tls", "-format_whitelist", Formats, "-rw_timeout", StallMicroseconds,
        "-reconnect", "1", "-reconnect_on_network_error", "1", "-reconnect_delay_max", "5",
        .. eTag is null ? Array.Empty<string>() : ["-headers", $"If-Match: \"{eTag}\"\r\n"],
    ];

    /// <summary>What ffmpeg says when the server or the network, not the content, cut a read over http(s) short.</summary>
    public static readonly IReadOnlyList<string> TransportFailures =
    [
        "Server returned", "HTTP error", "Connection refused", "Connection reset", "timed out", "Network is unreachable",
        "Failed to resolve", "Input/output error", "Stream ends prematurely", "partial file",
    ];

    /// <summary>Whether ffmpeg's messages on a read of <paramref name="path"/> say the transport failed.</summary>
    public static bool TransportFailed(string path, string stderr) =>
        IsUrl(path) && TransportFailures.Any(f => stderr.Contains(f, StringComparison.OrdinalIgnoreCase));

    public static bool IsUrl(string path) =>
        path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A source that could not be read for a reason of the transport (the object store refused or stalled), not of its content.</summary>
public sealed class SourceUnreadableException(string message, Exception inner) : Exception(message, inner);
