namespace Vsr.Engine.Media;

/// <summary>
/// The decode filter that brings a source whose colours are not BT.709 SDR into BT.709 SDR before frames leave as RGB
/// (the enhanced frames are encoded and tagged as BT.709).
/// </summary>
internal static class ColorConversion
{
    /// <summary>
    /// <c>null</c> for BT.709 (or untagged) SDR, which the plain RGB conversion already handles (untagged HD with the
    /// BT.709 matrix, <see cref="UntaggedMatrix"/>).
    /// HDR (PQ or HLG) is tone-mapped: zscale linearises it with 100 cd/m² as SDR white, converts the primaries to
    /// BT.709, <c>tonemap=hable</c> compresses the highlights (its peak: 1000 cd/m² unless the frames carry HDR
    /// light-level metadata), and zscale applies the BT.709 transfer. SDR with BT.2020 primaries has its primaries
    /// converted (in linear light, inside zscale); out-of-gamut colours are clipped.
    /// The input's tags are given explicitly from the probe, since zscale refuses frames whose tags are unspecified.
    /// </summary>
    public static string? ToBt709(VideoColor color)
    {
        if (color.IsHdr)
        {
            return $"{Input(color, color.Transfer)}:t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,"
                + "tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=gbr:r=full,format=gbrp";
        }

        if (color.IsWideGamut)
        {
            var transfer = color.Transfer is "bt2020-10" or "bt2020-12" ? color.Transfer : "bt709";
            return $"{Input(color, transfer)}:t=bt709:p=bt709:m=gbr:r=full,format=gbrp";
        }

        return null;
    }

    /// <summary>
    /// The matrix to decode an untagged YUV source with: BT.709 for HD as stored (1280 or more wide, or more than 576
    /// high, before any display rotation), as players choose for such video; <c>null</c> (ffmpeg's BT.601 default) for
    /// SD, and for tagged or RGB sources. A phone's 854×480 turned upright is still SD.
    /// </summary>
    public static string? UntaggedMatrix(VideoInfo video)
    {
        var (width, height) = DisplayRotation.IsQuarterTurn(video.Rotation) ? (video.Height, video.Width) : (video.Width, video.Height);
        return video.Color.Matrix.Length == 0 && !video.Color.IsHdr && !video.Color.IsWideGamut && (width >= 1280 || height > 576) ? "bt709" : null;
    }

    // zscale refuses subsampled frames of odd size (VP9 and AV1 allow 65×49 in 4:2:0), so YUV is first upsampled to
    // 4:4:4 at 16 bits, which changes no value zscale then reads; RGB sources (matrix gbr) go in as they are.
    private static string Input(VideoColor color, string transfer)
    {
        var primaries = color.Primaries.Length > 0 ? color.Primaries : "bt2020";
        var matrix = color.Matrix is "bt709" or "bt2020nc" or "bt2020c" ? color.Matrix : "bt2020nc";
        var range = color.Range == "pc" ? "full" : "limited";
        var unsubsampled = color.Matrix == "gbr" ? "" : "format=yuv444p16le,";
        return $"{unsubsampled}zscale=tin={transfer}:pin={primaries}:min={matrix}:rin={range}";
    }
}
