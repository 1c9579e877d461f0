namespace Vsr.Storage;

/// <summary>A stored object reachable as a local file; disposing removes the file if it was a temporary copy.</summary>
public sealed class LocalObject(string path, bool isTemporaryCopy) : IAsyncDisposable
{
    public string Path { get; } = path;

    public ValueTask DisposeAsync()
    {
        if (isTemporaryCopy && File.Exists(Path))
        {
            File.Delete(Path);
        }

        return ValueTask.CompletedTask;
    }
}
