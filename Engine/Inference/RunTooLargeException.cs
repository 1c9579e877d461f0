namespace Vsr.Engine.Inference;

/// <summary>A frame, or one tile of it, is too large for the buffers of a model run; its message names the setting to change.</summary>
public sealed class RunTooLargeException(string message) : Exception(message);
