namespace Vsr.Grains.Inference;

/// <summary>
/// One inference device (GPU or CPU) on one silo, keyed <c>{silo address}/{device id}</c>.
/// A custom placement director activates it only on the silo named in its key.
/// </summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>Decodes, enhances and encodes one chunk on this device and stores the result.</summary>
    /// <remarks>
    /// A call waits for the device behind the chunks of every job queued there, which no fixed timeout can bound, so
    /// it has a day: the work itself is bounded inside by <c>Vsr:Jobs:ChunkTimeout</c>, a dead silo fails its calls
    /// as soon as the cluster declares it dead, and the job's cancel stops the call.
    /// </remarks>
    [ResponseTimeout("1.00:00:00")]
    Task<ChunkResult> RunChunk(ChunkWork work, CancellationToken cancellationToken);

    /// <summary>
    /// Measures <c>probe.Model</c> on frames of the stored source (<see cref="Jobs.QualityReport"/>); waits for the device
    /// like a chunk. Fails when the device runs no model (a simulation) or the frames are too small to shrink.
    /// </summary>
    [ResponseTimeout("1.00:00:00")]
    Task<Jobs.QualityReport> MeasureQuality(QualityProbe probe, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels this device's running and queued chunks of <paramref name="jobId"/> and returns once they have stopped
    /// (their ffmpeg processes killed, their scratch files removed).
    /// </summary>
    Task StopJob(Guid jobId);

    ValueTask<DeviceDescription> Describe();
}
