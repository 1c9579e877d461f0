using System.Net;
using System.Net.Http.Headers;
using Vsr.Integration.Tests.Support;
using Vsr.Storage;

namespace Vsr.Integration.Tests.Storage;

/// <summary>The contract against a real S3 server (moto_server at VSR_TEST_S3), plus what only S3 offers.</summary>
public sealed class S3ObjectStoreTests : ObjectStoreContract
{
    private S3ObjectStore? _s3;

    protected override bool LocalObjectIsTemporaryCopy => true;

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        var options = OptionsFor("vsr-integration-tests");
        options.ScratchDirectory = Path.Combine(Scratch, "spool");
        _s3 = new S3ObjectStore(options);
        await _s3.EnsureBucketAsync(CancellationToken.None);
        return _s3;
    }

    private static S3ObjectStoreOptions OptionsFor(string bucket) => new()
    {
        Endpoint = TestServices.S3Endpoint,
        AccessKey = "vsr-test",
        SecretKey = "vsr-test-secret",
        Bucket = bucket,
    };

    protected override Task DisposeStoreAsync()
    {
        _s3?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_presigned_url_serves_a_byte_range_to_a_plain_http_client()
    {
        var content = RandomBytes(1024 * 1024);
        await Store.PutAsync(Key("output.mp4"), new MemoryStream(content), CancellationToken.None);

        var url = await _s3!.PresignGetAsync(Key("output.mp4"), TimeSpan.FromMinutes(1), CancellationToken.None);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(content[1000..2000], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_copy_inside_the_store_takes_the_object_as_it_was_when_its_tag_was_read()
    {
        var first = RandomBytes(300_000);
        await Store.PutAsync(Key("staged.mp4"), new MemoryStream(first), CancellationToken.None);
        var stat = await _s3!.StatAsync(Key("staged.mp4"), CancellationToken.None);

        await _s3.CopyAsync(Key("staged.mp4"), Key("copy.mp4"), stat!.ETag, CancellationToken.None);

        Assert.Equal(first.Length, stat.Size);
        Assert.DoesNotContain('"', stat.ETag);
        await using var copied = (await Store.OpenReadAsync(Key("copy.mp4"), CancellationToken.None))!;
        using var buffer = new MemoryStream();
        await copied.CopyToAsync(buffer);
        Assert.Equal(first, buffer.ToArray());
        Assert.Null(await _s3.StatAsync(Key("nothing.mp4"), CancellationToken.None));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => _s3.CopyAsync(Key("nothing.mp4"), Key("copy2.mp4"), stat.ETag, CancellationToken.None));
    }

    [Fact]
    public async Task A_copy_of_an_object_written_again_since_its_tag_was_read_is_refused_and_leaves_nothing()
    {
        await Store.PutAsync(Key("staged.mp4"), new MemoryStream(RandomBytes(1000)), CancellationToken.None);
        var checkedTag = (await _s3!.StatAsync(Key("staged.mp4"), CancellationToken.None))!.ETag;
        await Store.PutAsync(Key("staged.mp4"), new MemoryStream(RandomBytes(2000)), CancellationToken.None);

        await Assert.ThrowsAsync<ObjectChangedException>(() => _s3.CopyAsync(Key("staged.mp4"), Key("copy.mp4"), checkedTag, CancellationToken.None));

        Assert.False(await Store.ExistsAsync(Key("copy.mp4"), CancellationToken.None));
    }

    [Fact]
    public async Task A_read_stream_knows_its_length_and_reads_on_from_wherever_it_is_moved()
    {
        var content = RandomBytes(1024 * 1024);
        await Store.PutAsync(Key("ranged.mp4"), new MemoryStream(content), CancellationToken.None);

        // What ASP.NET Core does to answer "Range: bytes=700000-700999" from a stream: seek, then read the range.
        await using var stream = (await Store.OpenReadAsync(Key("ranged.mp4"), CancellationToken.None))!;
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        var head = new byte[16];
        await stream.ReadExactlyAsync(head);
        stream.Seek(700_000, SeekOrigin.Begin);
        var range = new byte[1000];
        await stream.ReadExactlyAsync(range);
        stream.Position = content.Length - 10;
        var tail = new byte[64];
        var read = await stream.ReadAtLeastAsync(tail, 64, throwOnEndOfStream: false);

        Assert.Equal(content[..16], head);
        Assert.Equal(content[700_000..701_000], range);
        Assert.Equal(content[^10..], tail[..read]);
        Assert.Equal(content.Length, stream.Position);
    }

    [Fact]
    public async Task Download_urls_are_signed_for_the_public_endpoint_when_one_is_set()
    {
        var content = RandomBytes(10_000);
        await Store.PutAsync(Key("public.mp4"), new MemoryStream(content), CancellationToken.None);
        var inside = new Uri(TestServices.S3Endpoint);
        var outside = new UriBuilder(inside) { Host = inside.Host == "localhost" ? "127.0.0.1" : "localhost" }.Uri;
        var options = OptionsFor("vsr-integration-tests");
        options.PublicEndpoint = outside.ToString();
        using var store = new S3ObjectStore(options);

        var url = await store.PresignGetAsync(Key("public.mp4"), TimeSpan.FromMinutes(1), CancellationToken.None);
        await using var internalRead = (await store.OpenReadAsync(Key("public.mp4"), CancellationToken.None))!;
        using var internalCopy = new MemoryStream();
        await internalRead.CopyToAsync(internalCopy);

        Assert.Equal(outside.Authority, url.Authority);
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(url));
        Assert.Equal(content, internalCopy.ToArray());
    }

    [Fact]
    public async Task Spooled_uploads_leave_no_file_behind()
    {
        await Store.PutAsync(Key("spooled.bin"), new UnseekableStream(RandomBytes(10_000)), CancellationToken.None);

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Scratch, "spool")));
    }

    [Fact]
    public async Task By_default_a_new_bucket_is_not_versioned_so_a_deletion_leaves_nothing_stored()
    {
        var bucket = $"vsr-unversioned-{Guid.NewGuid():N}"[..40];
        using var store = new S3ObjectStore(OptionsFor(bucket));

        await store.PutAsync("jobs/1/source.mp4", new MemoryStream(RandomBytes(100)), CancellationToken.None);
        await store.PutAsync("jobs/1/source.mp4", new MemoryStream(RandomBytes(200)), CancellationToken.None);
        await store.DeletePrefixAsync("jobs/1/", CancellationToken.None);

        using var http = new HttpClient { BaseAddress = new Uri(TestServices.S3Endpoint) };
        Assert.DoesNotContain("<Status>Enabled</Status>", await http.GetStringAsync($"/{bucket}?versioning"));
        var versions = await http.GetStringAsync($"/{bucket}?versions");
        Assert.DoesNotContain("<Version>", versions);
        Assert.DoesNotContain("<DeleteMarker>", versions);
    }

    [Fact]
    public async Task With_versioning_a_new_bucket_keeps_the_older_version_of_an_overwritten_object()
    {
        var bucket = $"vsr-versioning-{Guid.NewGuid():N}"[..40];
        var options = OptionsFor(bucket);
        options.Versioning = true;
        using var store = new S3ObjectStore(options);

        await store.PutAsync("jobs/1/output.mp4", new MemoryStream(RandomBytes(100)), CancellationToken.None);
        await store.PutAsync("jobs/1/output.mp4", new MemoryStream(RandomBytes(200)), CancellationToken.None);

        // moto answers unsigned requests, which keeps this check independent of the SDK's versioning parser.
        using var http = new HttpClient { BaseAddress = new Uri(TestServices.S3Endpoint) };
        Assert.Contains("<Status>Enabled</Status>", await http.GetStringAsync($"/{bucket}?versioning"));
        var versions = await http.GetStringAsync($"/{bucket}?versions");
        Assert.Equal(2, versions.Split("<Version>").Length - 1);
    }
}
