namespace Vsr.Train.Data;

/// <summary>A packed RGB24 image.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    public string ContentHash() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Pixels));
}
