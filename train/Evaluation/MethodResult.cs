namespace Vsr.Train.Evaluation;

/// <summary>One method on one task and clip: the mean score over the frames and the mean time per frame.</summary>
public sealed record MethodResult(string Task, string Clip, string Method, QualityScore Score, double MillisecondsPerFrame, int Frames);
