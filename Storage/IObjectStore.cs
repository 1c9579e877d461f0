namespace Vsr.Storage;

/// <summary>
/// Where the bytes of a job live: uploaded sources, encoded chunks and final outputs.
/// Keys are relative, '/'-separated paths such as <c>jobs/{id}/source.mp4</c>.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any previous object.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Stores a local file under <paramref name="key"/>. The local file is left in place.</summary>
    Task PutFileAsync(string key, string path, CancellationToken cancellationToken);

    /// <summary>Opens the object for reading, or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the object available as a local file for tools that need a path (ffmpeg).
    /// Stores on local disk hand out the file itself; remote stores download into <paramref name="scratchDirectory"/>
    /// and delete the copy when the returned handle is disposed.
    /// </summary>
    Task<LocalObject> GetLocalAsync(string key, string scratchDirectory, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the object whose key is <paramref name="prefix"/> and every object under it as a folder
    /// (<c>jobs/1</c> takes <c>jobs/1/source.mp4</c>, never <c>jobs/10/…</c> nor <c>jobs/1.mp4</c>).
    /// </summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken);
}
