using Vsr.Engine.Media;
using Vsr.Engine.Quality;

namespace Vsr.Grains.Inference;

/// <summary>
/// How one device turns a chunk of the source into an encoded chunk file: the model pipeline
/// (<see cref="ModelChunkRunner"/>) or, only where configured, a simulation (<see cref="SimulatedDevice"/>).
/// A device runs one chunk at a time; its <see cref="DeviceLease"/> serialises the calls.
/// </summary>
public interface IChunkRunner : IDisposable
{
    /// <summary>What actually runs the chunks: <c>CPU</c>, <c>CUDA</c> or <c>simulated</c>.</summary>
    string ExecutionProvider { get; }

    /// <summary>
    /// Writes exactly <c>work.FrameCount</c> frames, enhanced by <c>work.Scale</c>, to <paramref name="outputPath"/>,
    /// reporting the running frame count through <paramref name="framesDone"/>.
    /// </summary>
    Task<ChunkOutcome> RunAsync(ChunkWork work, string sourcePath, VideoInfo video, string outputPath, IProgress<int> framesDone,
        CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="model"/> on the shrunk frames of a quality measurement (<see cref="UpscaleProbe.Enhance"/>).</summary>
    /// <exception cref="NotSupportedException">The device runs no model.</exception>
    (IReadOnlyList<byte[]> Frames, TimeSpan Time) EnhanceForProbe(string model, ShrunkFrames shrunk, CancellationToken cancellationToken);
}
