namespace Vsr.Train.Network;

/// <summary>
/// The size of an SRVGGNetCompact-style network: feature width, number of body convolutions, scale, and the
/// space-to-depth factor its body runs at (<see cref="Unshuffle"/> 2: the body sees a half-resolution, 12-channel
/// picture, a quarter of the work per pixel, which is what makes an x1 restorer fast).
/// </summary>
public sealed record NetworkShape(int Width, int Depth, int Scale, int Unshuffle = 1)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Width);
        ArgumentOutOfRangeException.ThrowIfNegative(Depth);
        if (Scale is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "scale must be 1, 2 or 4");
        }

        if (Unshuffle is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(Unshuffle), Unshuffle, "unshuffle must be 1, 2 or 4");
        }
    }

    /// <summary>Channels into the first convolution.</summary>
    public int InputChannels => 3 * Unshuffle * Unshuffle;

    /// <summary>Channels out of the last convolution, before the depth-to-space of <see cref="Unshuffle"/> × <see cref="Scale"/>.</summary>
    public int OutputChannels => 3 * Unshuffle * Unshuffle * Scale * Scale;

    public override string ToString() => Unshuffle == 1 ? $"nf{Width} nc{Depth} x{Scale}" : $"nf{Width} nc{Depth} x{Scale} unshuffle {Unshuffle}";
}
