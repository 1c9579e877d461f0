namespace Vsr.Train.Degradation;

/// <summary>One synthetic clip: its clean frames and the same frames after the x264 round trip, packed RGB24.</summary>
public sealed record SequenceClip(byte[][] Clean, byte[][] Compressed);
