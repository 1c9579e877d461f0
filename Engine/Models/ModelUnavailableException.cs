namespace Vsr.Engine.Models;

/// <summary>The requested model or scale is unknown, or its weights are not present. The message says what to do.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
