namespace Vsr.Storage;

/// <summary>A remote store that can hand out short-lived URLs, so clients download straight from it.</summary>
public interface IPresigningObjectStore : IObjectStore
{
    /// <summary>
    /// A URL that allows a plain HTTP GET of <paramref name="key"/> (Range requests included) for
    /// <paramref name="timeToLive"/>. Signing is local: the URL is returned even when the object does not exist, and
    /// such a GET then answers 404.
    /// </summary>
    Task<Uri> PresignGetAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>
    /// A URL that allows a plain HTTP PUT of the whole object <paramref name="key"/> for <paramref name="timeToLive"/>, so
    /// a client uploads straight to the store. Signing is local, as for <see cref="PresignGetAsync"/>.
    /// </summary>
    Task<Uri> PresignPutAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>The object's size in bytes, or null when it does not exist; reads no content.</summary>
    Task<long?> SizeAsync(string key, CancellationToken cancellationToken);
}
