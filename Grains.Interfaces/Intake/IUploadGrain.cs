namespace Vsr.Grains.Intake;

/// <summary>
/// Watches one direct upload (<c>POST /v1/uploads</c>), keyed by the job id it reserves: an upload that no job was
/// submitted for by its deadline is deleted, so a client that never submits leaves nothing behind. Durable through the
/// cluster's reminder service.
/// </summary>
public interface IUploadGrain : IGrainWithGuidKey
{
    /// <summary>Starts watching: from <paramref name="submitBy"/> on, an upload with no job is deleted.</summary>
    ValueTask Watch(DateTimeOffset submitBy);

    /// <summary>
    /// Deletes the upload when its deadline has passed and no job was submitted for it; stops watching once either is
    /// settled. Returns whether it deleted. Run by the grain's reminder; callable at any time.
    /// </summary>
    ValueTask<bool> Sweep();
}
