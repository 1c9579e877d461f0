namespace Vsr.Train.Training;

/// <summary>The progress a checkpoint records next to the weights and the optimizer state.</summary>
public sealed record CheckpointState(long Step, double WallSeconds, double RecentLoss);
