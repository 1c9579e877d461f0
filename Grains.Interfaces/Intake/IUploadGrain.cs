namespace Vsr.Grains.Intake;

/// <summary>
/// Watches one direct upload (<c>POST /v1/uploads</c>), keyed by its upload id (<c>{job id:N}{extension}</c>): the object
/// its PUT URL writes, <see cref="StagingKey"/>, is only a staging copy (a submit copies it into the job's own folder),
/// so once the URL has expired it is deleted whether or not a job was made from it. Nothing a job reads is touched.
/// Durable when the cluster's reminders are (AdoNet); an S3 lifecycle rule on <c>uploads/</c> is the backstop.
/// </summary>
public interface IUploadGrain : IGrainWithStringKey
{
    /// <summary>Where the upload with id <paramref name="uploadId"/> is written.</summary>
    public static string StagingKey(string uploadId) => $"uploads/{uploadId}";

    /// <summary>Deletes the staging object once <paramref name="sweepAt"/> has passed.</summary>
    ValueTask Watch(DateTimeOffset sweepAt);

    /// <summary>Deletes the staging object now and stops watching. Run by the grain's reminder; callable at any time.</summary>
    ValueTask Sweep();
}
