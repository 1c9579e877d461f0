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
    /// As <see cref="PresignGetAsync(string, TimeSpan, CancellationToken)"/>, with the response's <c>Content-Type</c> and
    /// <c>Content-Disposition</c> set by the URL (S3's <c>response-content-*</c> parameters), so a browser saves the
    /// download under its own name and type whatever the object was stored with.
    /// </summary>
    Task<Uri> PresignGetAsync(string key, TimeSpan timeToLive, DownloadHeaders headers, CancellationToken cancellationToken);

    /// <summary>
    /// A GET URL for this service's own readers (ffmpeg reading an object in place): signed for the store's own endpoint,
    /// which the service reaches, not for the public one that <see cref="PresignGetAsync"/> gives clients.
    /// </summary>
    Task<Uri> PresignServiceGetAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>
    /// A URL that allows a plain HTTP PUT of the whole object <paramref name="key"/> for <paramref name="timeToLive"/>, so
    /// a client uploads straight to the store. Signing is local, as for <see cref="PresignGetAsync"/>.
    /// </summary>
    Task<Uri> PresignPutAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>The object's size and entity tag, or null when it does not exist; reads no content.</summary>
    Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Copies <paramref name="sourceKey"/> to <paramref name="destinationKey"/> inside the store, without the content
    /// passing through this process, and only as it was while its entity tag was <paramref name="sourceETag"/>.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The source does not exist.</exception>
    /// <exception cref="ObjectChangedException">The source was written again since; nothing is left at the destination.</exception>
    Task CopyAsync(string sourceKey, string destinationKey, string sourceETag, CancellationToken cancellationToken);
}

/// <summary>What a store says of an object without reading it.</summary>
/// <param name="ETag">The entity tag, without quotes: the same while the object is not written again.</param>
public sealed record StoredObject(long Size, string ETag);

/// <summary>The headers a presigned download answers with.</summary>
/// <param name="ContentType">For example <c>video/mp4</c>.</param>
/// <param name="ContentDisposition">A whole header value, for example <c>attachment; filename=clip-x2.mp4</c>.</param>
public sealed record DownloadHeaders(string ContentType, string ContentDisposition);
