namespace Vsr.Grains.Inference;

/// <summary>
/// One inference device (GPU or CPU) on one silo, keyed <c>{silo address}/{device id}</c>.
/// A custom placement director activates it only on the silo named in its key.
/// </summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>Decodes, enhances and encodes one chunk on this device and stores the result.</summary>
    Task<ChunkResult> RunChunk(ChunkWork work, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels this device's running and queued chunks of <paramref name="jobId"/> and returns once they have stopped
    /// (their ffmpeg processes killed, their scratch files removed).
    /// </summary>
    Task StopJob(Guid jobId);

    ValueTask<DeviceDescription> Describe();
}
