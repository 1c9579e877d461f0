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
}
