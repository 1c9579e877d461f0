namespace Vsr.Engine.Media;

/// <summary>How a source's samples map to colours and light, as its video stream is tagged (ffprobe's names).</summary>
/// <param name="Transfer">Transfer characteristic (<c>color_transfer</c>): <c>bt709</c>, <c>smpte2084</c> (PQ), <c>arib-std-b67</c> (HLG), …</param>
/// <param name="Primaries">Colour primaries (<c>color_primaries</c>): <c>bt709</c>, <c>bt2020</c>, …</param>
/// <param name="Matrix">YUV matrix (<c>color_space</c>): <c>bt709</c>, <c>bt2020nc</c>, …</param>
/// <param name="Range">Sample range (<c>color_range</c>): <c>tv</c> (limited) or <c>pc</c> (full).</param>
public sealed record VideoColor(string Transfer, string Primaries, string Matrix, string Range)
{
    public static readonly VideoColor Untagged = new("", "", "", "");

    /// <summary>High dynamic range: PQ (SMPTE ST 2084) or HLG (ARIB STD-B67) light levels.</summary>
    public bool IsHdr => Transfer is "smpte2084" or "arib-std-b67";

    /// <summary>BT.2020 primaries: a wider gamut than the BT.709 the output is encoded in.</summary>
    public bool IsWideGamut => Primaries == "bt2020";
}
