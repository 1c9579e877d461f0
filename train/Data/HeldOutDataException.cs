namespace Vsr.Train.Data;

/// <summary>A training input turned out to be evaluation data.</summary>
public sealed class HeldOutDataException(string message) : Exception(message);
