namespace Vsr.Engine.Media;

/// <summary>The input is not a video this service can decode. The message is safe to show to the user.</summary>
public sealed class InvalidVideoException(string message, Exception? inner = null) : Exception(message, inner);
