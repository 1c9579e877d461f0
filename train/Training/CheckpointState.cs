namespace Vsr.Train.Training;

/// <summary>
/// The progress a checkpoint records next to the weights and the optimizer state. <see cref="LossTrace"/> holds the
/// mean loss between consecutive checkpoints, so that a rerun can be compared with a finished run step for step.
/// </summary>
public sealed record CheckpointState(long Step, double WallSeconds, double RecentLoss, IReadOnlyList<LossPoint>? LossTrace = null);

/// <summary>The mean training loss of the steps since the previous checkpoint, at the checkpoint <see cref="Step"/>.</summary>
public sealed record LossPoint(long Step, double Loss);
