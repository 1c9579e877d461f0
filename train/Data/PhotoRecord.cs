namespace Vsr.Train.Data;

/// <summary>What a model card says about one training photo.</summary>
public sealed record PhotoRecord(string Name, string Source, string License, string Credit, string SourceSha256, string PixelsSha256, int Width, int Height);
