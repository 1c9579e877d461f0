namespace Vsr.Bench.Png;

/// <summary>An 8-bit RGB picture: <see cref="Pixels"/> holds <c>Width * Height * 3</c> bytes, row after row.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    public int Stride => Width * 3;
}
