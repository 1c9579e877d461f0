namespace Vsr.Engine.Media;

/// <summary>What one chunk run produced.</summary>
public sealed record ChunkOutcome(int FramesWritten, int OutputWidth, int OutputHeight, TimeSpan Elapsed);
