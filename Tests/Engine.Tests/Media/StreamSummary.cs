namespace Vsr.Engine.Tests.Media;

/// <summary>One stream of a media file as ffprobe reports it.</summary>
public sealed record StreamSummary(string Type, string Codec, int Width, int Height, double? DurationSeconds);
