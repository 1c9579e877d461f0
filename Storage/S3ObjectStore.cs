using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace Vsr.Storage;

/// <summary>
/// Objects in one S3 bucket, through the Minio SDK: MinIO or AWS S3 in production, moto_server in the tests.
/// The bucket is created on first use; with <see cref="S3ObjectStoreOptions.Versioning"/>, versioning is enabled on it
/// where the server supports it.
/// </summary>
/// <remarks>
/// Minio SDK 7.0.0 cannot do ranged GETs (they throw PartialContentException) and cannot hand out a body stream that
/// outlives its callback, so reads go through a presigned URL and this store's own <see cref="HttpClient"/>, with a
/// Range header after a seek.
/// </remarks>
public sealed class S3ObjectStore : IPresigningObjectStore, IDisposable
{
    private static readonly TimeSpan ReadUrlLifetime = TimeSpan.FromMinutes(10);

    private readonly S3ObjectStoreOptions _options;
    private readonly IMinioClient _client;
    private readonly IMinioClient _publicClient;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private volatile bool _bucketReady;

    public S3ObjectStore(S3ObjectStoreOptions options, ILogger<S3ObjectStore>? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger<S3ObjectStore>.Instance;
        _client = Connect(options, options.Endpoint);
        _publicClient = string.IsNullOrWhiteSpace(options.PublicEndpoint) ? _client : Connect(options, options.PublicEndpoint);
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Bucket => _options.Bucket;

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        if (content.CanSeek)
        {
            await UploadAsync(key, content, content.Length - content.Position, cancellationToken);
            return;
        }

        // S3 needs the length up front. The SDK's unknown-length mode buffers whole parts in memory, so spool
        // to a local file instead and send that.
        Directory.CreateDirectory(_options.ScratchDirectory);
        var spool = Path.Combine(_options.ScratchDirectory, $"{Guid.NewGuid():N}.upload");
        await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await content.CopyToAsync(file, cancellationToken);
        file.Position = 0;
        await UploadAsync(key, file, file.Length, cancellationToken);
    }

    public async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await PutAsync(key, file, cancellationToken);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var url = await PresignAsync(_client, key, ReadUrlLifetime, headers: null, cancellationToken);
        return await HttpResponseBodyStream.OpenAsync(_http, url, $"'{key}' from bucket '{Bucket}'", cancellationToken);
    }

    public async Task<LocalObject> GetLocalAsync(string key, string scratchDirectory, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        Directory.CreateDirectory(scratchDirectory);
        var path = Path.Combine(Path.GetFullPath(scratchDirectory), $"{Guid.NewGuid():N}-{Path.GetFileName(key)}");
        try
        {
            await using var source = await OpenReadAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(key);
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await source.CopyToAsync(file, cancellationToken);
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return new LocalObject(path, isTemporaryCopy: true);
    }

    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        await EnsureBucketAsync(cancellationToken);
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(key), cancellationToken);
            return new StoredObject(stat.Size, stat.ETag.Trim('"'));
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// A server-side copy with the source's entity tag as its condition (S3 and MinIO refuse it when the tag differs).
    /// A server that ignores the condition (moto) copies whatever is there, so the copy's own tag is checked as well;
    /// a copy's tag can differ from its source's under some server-side encryption, so only a source that has also
    /// changed counts as changed.
    /// </summary>
    public async Task CopyAsync(string sourceKey, string destinationKey, string sourceETag, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(sourceKey, nameof(sourceKey));
        ObjectKey.Validate(destinationKey, nameof(destinationKey));
        await EnsureBucketAsync(cancellationToken);
        var conditions = new Minio.DataModel.CopyConditions();
        conditions.SetMatchETag(sourceETag);
        var source = new CopySourceObjectArgs().WithBucket(Bucket).WithObject(sourceKey).WithCopyConditions(conditions);
        try
        {
            await _client.CopyObjectAsync(new CopyObjectArgs().WithBucket(Bucket).WithObject(destinationKey).WithCopyObjectSource(source), cancellationToken);
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            throw new ObjectNotFoundException(sourceKey);
        }
        catch (MinioException refused)
        {
            // A refused condition: the source was written again.
            if (await SourceChangedAsync(sourceKey, sourceETag, cancellationToken))
            {
                throw new ObjectChangedException(sourceKey);
            }

            throw new IOException($"Copying '{sourceKey}' to '{destinationKey}' in bucket '{Bucket}' failed: {refused.Message}", refused);
        }

        if ((await StatAsync(destinationKey, cancellationToken))?.ETag != sourceETag && await SourceChangedAsync(sourceKey, sourceETag, cancellationToken))
        {
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(destinationKey), cancellationToken);
            throw new ObjectChangedException(sourceKey);
        }
    }

    private async Task<bool> SourceChangedAsync(string key, string eTag, CancellationToken cancellationToken) =>
        (await StatAsync(key, cancellationToken))?.ETag != eTag;

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => await StatAsync(key, cancellationToken) is not null;

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(prefix.TrimEnd('/'), nameof(prefix));
        await EnsureBucketAsync(cancellationToken);

        // "jobs/1" must not take "jobs/10" with it: match the key itself and what lies under it as a folder.
        var folder = prefix.TrimEnd('/') + "/";
        var listing = new ListObjectsArgs().WithBucket(Bucket).WithPrefix(prefix.TrimEnd('/')).WithRecursive(true);
        var keys = new List<string>();
        await foreach (var item in _client.ListObjectsEnumAsync(listing, cancellationToken))
        {
            if (!item.IsDir && (item.Key == prefix.TrimEnd('/') || item.Key.StartsWith(folder, StringComparison.Ordinal)))
            {
                keys.Add(item.Key);
            }
        }

        // With versioning on, this leaves delete markers: older versions stay until a lifecycle rule expires them.
        foreach (var batch in keys.Chunk(1000))
        {
            var errors = await _client.RemoveObjectsAsync(new RemoveObjectsArgs().WithBucket(Bucket).WithObjects(batch), cancellationToken);
            if (errors.Count > 0)
            {
                var first = errors[0];
                throw new IOException($"Deleting under '{prefix}' in bucket '{Bucket}' failed for {errors.Count} object(s), " +
                    $"first '{first.Key}': {first.Code} {first.Message}");
            }
        }
    }

    /// <summary>
    /// A URL for a client of the service: signed for <see cref="S3ObjectStoreOptions.PublicEndpoint"/> when set (a
    /// signature covers the host, so the URL cannot be rewritten afterwards), else for <see cref="S3ObjectStoreOptions.Endpoint"/>.
    /// </summary>
    public Task<Uri> PresignGetAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        PresignAsync(_publicClient, key, timeToLive, headers: null, cancellationToken);

    /// <inheritdoc/>
    public Task<Uri> PresignGetAsync(string key, TimeSpan timeToLive, DownloadHeaders headers, CancellationToken cancellationToken) =>
        PresignAsync(_publicClient, key, timeToLive, headers ?? throw new ArgumentNullException(nameof(headers)), cancellationToken);

    /// <summary>A GET URL signed for <see cref="S3ObjectStoreOptions.Endpoint"/>, for the service's own readers.</summary>
    public Task<Uri> PresignServiceGetAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        PresignAsync(_client, key, timeToLive, headers: null, cancellationToken);

    /// <summary>A PUT URL for a client of the service, signed for the public endpoint as <see cref="PresignGetAsync"/> is.</summary>
    public async Task<Uri> PresignPutAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var expiry = await CheckPresignAsync(key, timeToLive, cancellationToken);
        return new Uri(await _publicClient.PresignedPutObjectAsync(new PresignedPutObjectArgs().WithBucket(Bucket).WithObject(key).WithExpiry(expiry)));
    }

    private async Task<Uri> PresignAsync(IMinioClient client, string key, TimeSpan timeToLive, DownloadHeaders? headers, CancellationToken cancellationToken)
    {
        var expiry = await CheckPresignAsync(key, timeToLive, cancellationToken);
        var args = new PresignedGetObjectArgs().WithBucket(Bucket).WithObject(key).WithExpiry(expiry);
        if (headers is not null)
        {
            // The SDK signs these as query parameters; S3 then answers with them as headers.
            args.WithHeaders(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["response-content-type"] = headers.ContentType,
                ["response-content-disposition"] = headers.ContentDisposition,
            });
        }

        return new Uri(await client.PresignedGetObjectAsync(args));
    }

    /// <summary>Validates a presigned URL's key and lifetime, makes sure the bucket exists, and returns the lifetime in whole seconds.</summary>
    private async Task<int> CheckPresignAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        if (timeToLive <= TimeSpan.Zero || timeToLive > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "S3 accepts presigned URLs valid for 1 s to 7 days.");
        }

        await EnsureBucketAsync(cancellationToken);
        return (int)Math.Ceiling(timeToLive.TotalSeconds);
    }

    /// <summary>Creates the bucket if it is missing and, when configured, turns versioning on. Runs once; safe to call at start-up.</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
        {
            return;
        }

        await _bucketGate.WaitAsync(cancellationToken);
        try
        {
            if (_bucketReady)
            {
                return;
            }

            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken))
            {
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket).WithLocation(_options.Region), cancellationToken);
                _logger.LogInformation("Created bucket {Bucket}", Bucket);
            }

            if (_options.Versioning)
            {
                await EnableVersioningAsync(cancellationToken);
            }

            _bucketReady = true;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _client.Dispose();
        if (!ReferenceEquals(_publicClient, _client))
        {
            _publicClient.Dispose();
        }

        _bucketGate.Dispose();
    }

    private async Task EnableVersioningAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.SetVersioningAsync(new SetVersioningArgs().WithBucket(Bucket).WithVersioningEnabled(), cancellationToken);
        }
        catch (MinioException ex)
        {
            _logger.LogWarning(ex, "Bucket {Bucket}: the server refused to enable versioning; objects are not versioned", Bucket);
            return;
        }

        try
        {
            var status = await _client.GetVersioningAsync(new GetVersioningArgs().WithBucket(Bucket), cancellationToken);
            _logger.LogInformation("Bucket {Bucket}: versioning {Status}", Bucket, status?.Status ?? "unknown");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or MinioException or System.Xml.XmlException)
        {
            // Minio SDK 7.0.0 cannot parse some servers' (moto's) versioning reply; the Set above already succeeded.
            _logger.LogWarning(ex, "Bucket {Bucket}: versioning was enabled but could not be read back (Minio SDK 7.0.0 parse bug)", Bucket);
        }
    }

    private async Task UploadAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        var args = new PutObjectArgs()
            .WithBucket(Bucket)
            .WithObject(key)
            .WithStreamData(content)
            .WithObjectSize(length)
            .WithContentType(ObjectKey.ContentType(key));
        await _client.PutObjectAsync(args, cancellationToken);
    }

    private static IMinioClient Connect(S3ObjectStoreOptions options, string endpoint)
    {
        var (host, useSsl) = ParseEndpoint(endpoint, options.UseSsl);
        return new MinioClient()
            .WithEndpoint(host)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithRegion(options.Region)
            .WithSSL(useSsl)
            .Build();
    }

    private static (string Host, bool UseSsl) ParseEndpoint(string endpoint, bool useSsl)
    {
        if (!endpoint.Contains("://", StringComparison.Ordinal))
        {
            return (endpoint, useSsl);
        }

        var uri = new Uri(endpoint);
        return (uri.Authority, uri.Scheme == Uri.UriSchemeHttps);
    }
}
