using Vsr.Storage;

namespace Vsr.Integration.Tests.Storage;

public sealed class FileSystemObjectStoreTests : ObjectStoreContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("vsr-objects-").FullName;

    protected override bool LocalObjectIsTemporaryCopy => false;

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FileSystemObjectStore(_root));

    protected override Task DisposeStoreAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Looking_up_keys_never_written_leaves_no_folder_behind()
    {
        var store = new FileSystemObjectStore(_root);

        // What the API does for a GET of a job id nobody submitted.
        Assert.Null(await store.OpenReadAsync("jobs/unknown/request.json", CancellationToken.None));
        Assert.False(await store.ExistsAsync("jobs/unknown/output.mp4", CancellationToken.None));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetLocalAsync("jobs/unknown/source.mp4", _root, CancellationToken.None));
        await store.DeletePrefixAsync("jobs/unknown/chunks/", CancellationToken.None);

        Assert.False(Directory.Exists(Path.Combine(_root, "jobs")), "a lookup created folders");
    }
}
