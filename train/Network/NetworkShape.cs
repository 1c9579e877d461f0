namespace Vsr.Train.Network;

/// <summary>The size of an SRVGGNetCompact-style network: feature width, number of body convolutions, scale.</summary>
public sealed record NetworkShape(int Width, int Depth, int Scale)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Width);
        ArgumentOutOfRangeException.ThrowIfNegative(Depth);
        if (Scale is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "scale must be 1, 2 or 4");
        }
    }

    public override string ToString() => $"nf{Width} nc{Depth} x{Scale}";
}
