namespace Vsr.Grains.Inference;

/// <summary>
/// One inference device (GPU or CPU) on one silo, keyed <c>{silo address}/{device id}</c>.
/// A custom placement director activates it only on the silo named in its key.
/// </summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>Decodes, enhances and encodes one chunk on this device and stores the result.</summary>
    Task<ChunkResult> RunChunk(ChunkWork work, CancellationToken cancellationToken);

    ValueTask<DeviceDescription> Describe();
}
