using Vsr.Engine.Media;

namespace Vsr.Bench;

/// <summary>
/// What every section of one bench run shares: the same clip, decoded once into memory, the same model and scale,
/// and the raw model throughput that the other methods are compared with.
/// </summary>
public sealed class BenchContext
{
    public required string Clip { get; init; }

    /// <summary>The same content four times over, for the memory comparison.</summary>
    public required string LongClip { get; init; }

    public required VideoInfo Video { get; init; }

    /// <summary>Every frame of <see cref="Clip"/> as packed RGB24.</summary>
    public required IReadOnlyList<byte[]> Frames { get; init; }

    /// <summary>The cache of converted anime models (<c>.vsr/models</c>).</summary>
    public required string ModelsDirectory { get; init; }

    /// <summary>The repository's bundled models (<c>models/</c>).</summary>
    public required string BundledModelsDirectory { get; init; }

    public required string Model { get; init; }

    public required int Scale { get; init; }

    public required bool Quick { get; init; }

    /// <summary>Scratch space for this run, deleted at the end.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Frames per second of the bare model on <see cref="Frames"/>; set by the throughput section, which runs first.</summary>
    public double RawModelFps { get; set; }

    /// <summary>Frames per second of the streaming chunk pipeline on <see cref="Clip"/>; set by the throughput section.</summary>
    public double PipelineFps { get; set; }

    public string Size => $"{Video.Width}x{Video.Height}";
}
