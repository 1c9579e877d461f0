namespace Vsr.Engine.Media;

/// <summary>How chunks are encoded: libx264, yuv420p.</summary>
public sealed record EncodeOptions(int Crf = 18, string Preset = "veryfast");
