namespace Vsr.Engine.Media;

/// <summary>How chunks are encoded: libx264, yuv420p.</summary>
/// <param name="Sharpen">
/// Strength of ffmpeg's contrast-adaptive sharpening (<c>cas</c>) of the enhanced frames before they are encoded,
/// 0 (none, the filter is left out) to 1.
/// </param>
public sealed record EncodeOptions(int Crf = 18, string Preset = "veryfast", double Sharpen = 0);
