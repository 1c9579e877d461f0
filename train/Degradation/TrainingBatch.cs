namespace Vsr.Train.Degradation;

/// <summary>A batch in NCHW order, values 0..1: the degraded inputs and the clean targets.</summary>
public sealed record TrainingBatch(int Count, int InputSize, int TargetSize, float[] Inputs, float[] Targets);
