namespace Vsr.Engine.Variants;

/// <summary>The range of values one tensor took during calibration.</summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>
    /// uint8 asymmetric quantization parameters for the range widened to include zero (so that zero, and with it
    /// zero padding, is exact): value = (q - zeroPoint) * scale.
    /// </summary>
    public (float Scale, byte ZeroPoint) ToUint8()
    {
        var (min, max) = (Math.Min(Min, 0f), Math.Max(Max, 0f));
        if (max - min < 1e-8f)
        {
            return (1f, 0);
        }

        var scale = (max - min) / 255f;
        return (scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0f, 255f));
    }
}
