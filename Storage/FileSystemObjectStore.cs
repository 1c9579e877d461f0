namespace Vsr.Storage;

/// <summary>
/// The embedded default: objects are files under one root directory. Writes go to a temporary name first and are
/// renamed into place, so a reader never sees a half-written object.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private readonly string _root;

    public FileSystemObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var target = Resolve(key);
        var partial = PartialName(target);
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await PutAsync(key, source, cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = Resolve(key);
        Stream? stream = File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true)
            : null;
        return Task.FromResult(stream);
    }

    public Task<LocalObject> GetLocalAsync(string key, string scratchDirectory, CancellationToken cancellationToken)
    {
        var path = Resolve(key);
        if (!File.Exists(path))
        {
            throw new ObjectNotFoundException(key);
        }

        return Task.FromResult(new LocalObject(path, isTemporaryCopy: false));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(Resolve(key)));

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var path = Resolve(prefix.TrimEnd('/'));
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    private string Resolve(string key)
    {
        ObjectKey.Validate(key);
        var full = Path.GetFullPath(Path.Combine(_root, key));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    private static string PartialName(string target) => $"{target}.{Guid.NewGuid():N}.partial";
}
