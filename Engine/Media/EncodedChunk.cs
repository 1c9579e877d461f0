namespace Vsr.Engine.Media;

/// <summary>An encoded chunk file and the frames of the source it holds.</summary>
public sealed record EncodedChunk(ChunkSpan Span, string Path);
