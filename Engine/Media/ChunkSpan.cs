namespace Vsr.Engine.Media;

/// <summary>A keyframe-aligned run of frames: [StartFrame, StartFrame + FrameCount).</summary>
public sealed record ChunkSpan(int Index, int StartFrame, int FrameCount);
