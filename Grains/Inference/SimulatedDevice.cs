using System.Diagnostics;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Quality;
using Vsr.Engine.Simulation;

namespace Vsr.Grains.Inference;

/// <summary>
/// A SIMULATED device, for measuring the scheduler without a machine full of accelerators: it holds each chunk for
/// its frame count × <c>Vsr:Simulation:FrameLatency</c> without using the CPU, then writes a placeholder chunk of
/// flat grey frames at the enhanced size. It runs no model, so a job on it completes through the normal path with a
/// grey video. Only a <c>sim:N</c> entry in <c>Vsr:Devices</c> creates one.
/// </summary>
public sealed class SimulatedDevice : IChunkRunner
{
    private static readonly TimeSpan ProgressStep = TimeSpan.FromMilliseconds(250);
    private readonly TimeSpan _frameLatency;
    private readonly PlaceholderChunks _placeholders;

    public SimulatedDevice(DeviceId id, TimeSpan frameLatency, PlaceholderChunks placeholders, ILogger<SimulatedDevice> logger)
    {
        if (!id.IsSimulated)
        {
            throw new ArgumentException($"{id} is not a simulated device.", nameof(id));
        }

        _frameLatency = frameLatency;
        _placeholders = placeholders;
        logger.LogWarning(
            "Device {Device} is a SIMULATION: no model runs; each chunk is held {Latency} ms per frame and written as grey placeholder frames",
            id, frameLatency.TotalMilliseconds);
    }

    public string ExecutionProvider => "simulated";

    public async Task<ChunkOutcome> RunAsync(ChunkWork work, string sourcePath, VideoInfo video, string outputPath, IProgress<int> framesDone,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (width, height) = (video.Width * work.Scale, video.Height * work.Scale);

        // Encoded (once per chunk shape) while the chunk is held, so a new shape costs no extra wall time.
        var placeholder = _placeholders.GetAsync(video, width, height, work.FrameCount, cancellationToken);
        var hold = _frameLatency * work.FrameCount;
        for (var elapsed = TimeSpan.Zero; elapsed < hold; elapsed = Stopwatch.GetElapsedTime(started))
        {
            await Task.Delay(TimeSpan.FromTicks(Math.Min(ProgressStep.Ticks, (hold - elapsed).Ticks)), cancellationToken);
            framesDone.Report((int)Math.Min(work.FrameCount, Stopwatch.GetElapsedTime(started) / _frameLatency));
        }

        File.Copy(await placeholder, outputPath, overwrite: true);
        return new ChunkOutcome(work.FrameCount, width, height, Stopwatch.GetElapsedTime(started));
    }

    public (IReadOnlyList<byte[]> Frames, TimeSpan Time) EnhanceForProbe(string model, ShrunkFrames shrunk, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This device is a simulation and runs no model, so it has no quality to measure.");

    /// <summary>Nothing to free: the placeholder files are the silo's, shared by its simulated devices.</summary>
    public void Dispose()
    {
    }
}
