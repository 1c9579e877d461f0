namespace Vsr.Engine.Inference;

/// <summary>Turns model output (0..1, unclamped) into 8-bit samples the way ncnn's upscalers do.</summary>
public static class PixelQuantizer
{
    /// <summary>
    /// floor(v * 255 + 0.5), clamped to 0..255: halves round up, as in the reference runtime.
    /// <see cref="MathF.Round(float)"/> would round halves to even and drift from it by one level.
    /// NaN becomes 0.
    /// </summary>
    public static byte ToByte(float value)
    {
        var level = MathF.Floor((value * 255f) + 0.5f);
        return level >= 255f ? (byte)255 : level > 0f ? (byte)level : (byte)0;
    }
}
