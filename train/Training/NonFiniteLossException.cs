namespace Vsr.Train.Training;

/// <summary>A training step produced a NaN or infinite loss; the run can resume from its last checkpoint.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);
