namespace Vsr.Engine.Models;

/// <summary>A constant (initializer) tensor, either fp32 or int64.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[]? Floats = null, long[]? Int64s = null);
