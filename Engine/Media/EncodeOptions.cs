namespace Vsr.Engine.Media;

/// <summary>How chunks are encoded: by <see cref="Codec"/>'s encoder at <see cref="Crf"/>, 4:2:0 at <see cref="BitDepth"/> bits.</summary>
/// <param name="Crf">The encoder's constant-quality value (<see cref="OutputCodecs.CrfRange"/>).</param>
/// <param name="Preset">libx264's or libx265's speed preset.</param>
/// <param name="Sharpen">
/// Strength of ffmpeg's contrast-adaptive sharpening (<c>cas</c>) of the enhanced frames before they are encoded,
/// 0 (none, the filter is left out) to 1.
/// </param>
/// <param name="Codec">The output's video codec.</param>
/// <param name="BitDepth">8 (<c>yuv420p</c>) or 10 (<c>yuv420p10le</c>).</param>
/// <param name="Av1Preset">SVT-AV1's speed preset, 0 (slowest) to 13.</param>
public sealed record EncodeOptions(int Crf = 18, string Preset = "veryfast", double Sharpen = 0, OutputCodec Codec = OutputCodec.H264,
    int BitDepth = 8, int Av1Preset = 10)
{
    /// <summary>ffmpeg's name of the pixel format encoded.</summary>
    public string PixelFormat => BitDepth == 10 ? "yuv420p10le" : "yuv420p";
}
