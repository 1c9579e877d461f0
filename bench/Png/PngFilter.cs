namespace Vsr.Bench.Png;

/// <summary>The five PNG row filters (filter method 0); the value is the byte that starts each filtered row.</summary>
public enum PngFilter : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}
