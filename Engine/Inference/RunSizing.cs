namespace Vsr.Engine.Inference;

/// <summary>
/// How many (frame, tile) items one model run takes. A run's input and output tensors each live in one float array,
/// which holds at most <see cref="Array.MaxLength"/> values: 3840×2160 at x4 is 398 million output values per frame,
/// so six frames to a run would need 2.4 billion. A run that would not fit takes fewer items instead.
/// </summary>
public static class RunSizing
{
    /// <summary>The values one item of a <paramref name="contextWidth"/> × <paramref name="contextHeight"/> window needs in the output tensor (RGB at <paramref name="scale"/>).</summary>
    public static long OutputValuesPerItem(int contextWidth, int contextHeight, int scale) => 3L * contextWidth * contextHeight * scale * scale;

    /// <summary>
    /// <paramref name="wanted"/> items, or as many as fit in <paramref name="limit"/> values (the output tensor is
    /// the larger one, as <paramref name="scale"/> ≥ 1).
    /// </summary>
    /// <param name="limit">The values one buffer holds; null for <see cref="Array.MaxLength"/>.</param>
    /// <exception cref="RunTooLargeException">Not even one item fits.</exception>
    public static int ItemsPerRun(int wanted, int contextWidth, int contextHeight, int scale, long? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wanted);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var most = limit ?? Array.MaxLength;
        var perItem = OutputValuesPerItem(contextWidth, contextHeight, scale);
        if (perItem > most)
        {
            throw new RunTooLargeException(
                $"A {contextWidth}x{contextHeight} model run at x{scale} needs {perItem:N0} output values, more than one buffer holds " +
                $"({most:N0}); tile such frames: set Vsr:Inference:TileSize (CPU devices) or Vsr:Inference:GpuTileSize (CUDA/TensorRT) " +
                "to a tile edge such as 512.");
        }

        return (int)Math.Min(wanted, most / perItem);
    }
}
