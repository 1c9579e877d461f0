using System.Security.Cryptography;
using Vsr.Storage;

namespace Vsr.Integration.Tests.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> promises, run against each implementation by a subclass. Each test works
/// under its own key prefix and its own scratch directory.
/// </summary>
public abstract class ObjectStoreContract : IAsyncLifetime
{
    private readonly string _prefix = $"contract-{Guid.NewGuid():N}";

    protected IObjectStore Store { get; private set; } = null!;

    protected string Scratch { get; } = Directory.CreateTempSubdirectory("vsr-contract-").FullName;

    /// <summary>Whether <see cref="IObjectStore.GetLocalAsync"/> hands out a copy that disposing deletes.</summary>
    protected abstract bool LocalObjectIsTemporaryCopy { get; }

    protected abstract Task<IObjectStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        await DisposeStoreAsync();
        Directory.Delete(Scratch, recursive: true);
    }

    protected string Key(string name) => $"{_prefix}/{name}";

    protected static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    protected async Task<byte[]?> ReadAllAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public async Task A_few_megabytes_of_unknown_length_come_back_byte_for_byte()
    {
        var content = RandomBytes(7 * 1024 * 1024 + 123);

        await Store.PutAsync(Key("big.bin"), new UnseekableStream(content), CancellationToken.None);

        var read = await ReadAllAsync(Key("big.bin"));
        Assert.NotNull(read);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(read));
        Assert.True(await Store.ExistsAsync(Key("big.bin"), CancellationToken.None));
    }

    [Fact]
    public async Task Putting_a_key_again_replaces_its_object()
    {
        await Store.PutAsync(Key("chunk.mp4"), new MemoryStream(RandomBytes(4096)), CancellationToken.None);
        var second = RandomBytes(1000);

        await Store.PutAsync(Key("chunk.mp4"), new MemoryStream(second), CancellationToken.None);

        Assert.Equal(second, await ReadAllAsync(Key("chunk.mp4")));
    }

    [Fact]
    public async Task A_missing_key_reads_as_null_does_not_exist_and_cannot_be_fetched_locally()
    {
        Assert.Null(await Store.OpenReadAsync(Key("missing.bin"), CancellationToken.None));
        Assert.False(await Store.ExistsAsync(Key("missing.bin"), CancellationToken.None));
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(
            () => Store.GetLocalAsync(Key("missing.bin"), Scratch, CancellationToken.None));
        Assert.Equal(Key("missing.bin"), error.Key);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Scratch));
    }

    [Fact]
    public async Task A_local_object_has_the_content_and_is_deleted_on_dispose_only_when_it_is_a_copy()
    {
        var content = RandomBytes(300_000);
        var source = Path.Combine(Scratch, "source.bin");
        await File.WriteAllBytesAsync(source, content);
        await Store.PutFileAsync(Key("in/source.bin"), source, CancellationToken.None);
        Assert.True(File.Exists(source));

        string path;
        await using (var local = await Store.GetLocalAsync(Key("in/source.bin"), Scratch, CancellationToken.None))
        {
            path = local.Path;
            Assert.Equal(content, await File.ReadAllBytesAsync(path));
        }

        Assert.Equal(!LocalObjectIsTemporaryCopy, File.Exists(path));
        Assert.Equal(content, await ReadAllAsync(Key("in/source.bin")));
    }

    [Fact]
    public async Task Deleting_a_prefix_removes_everything_under_it_and_nothing_beside_it()
    {
        foreach (var name in new[] { "jobs/1/source.mp4", "jobs/1/chunks/0000.mp4", "jobs/1/chunks/0001.mp4", "jobs/10/source.mp4" })
        {
            await Store.PutAsync(Key(name), new MemoryStream(RandomBytes(64)), CancellationToken.None);
        }

        await Store.DeletePrefixAsync(Key("jobs/1"), CancellationToken.None);

        Assert.False(await Store.ExistsAsync(Key("jobs/1/source.mp4"), CancellationToken.None));
        Assert.False(await Store.ExistsAsync(Key("jobs/1/chunks/0000.mp4"), CancellationToken.None));
        Assert.False(await Store.ExistsAsync(Key("jobs/1/chunks/0001.mp4"), CancellationToken.None));
        Assert.True(await Store.ExistsAsync(Key("jobs/10/source.mp4"), CancellationToken.None));
        await Store.DeletePrefixAsync(Key("jobs/never-written"), CancellationToken.None);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/absolute/key")]
    [InlineData("jobs//double-slash")]
    [InlineData("../outside")]
    [InlineData("jobs/./here")]
    public async Task Invalid_keys_are_rejected(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1]), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetLocalAsync(key, Scratch, CancellationToken.None));
    }
}
