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
            await using (var file = CreatePartial(partial))
            {
                await content.CopyToAsync(file, cancellationToken);
                // On disk before the rename makes it visible: after a crash an object is whole or absent, never empty.
                file.Flush(flushToDisk: true);
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
        try
        {
            // Opened at once rather than after an existence check, which a delete could come between.
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
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

    /// <summary>The file of <paramref name="key"/>. Only a write creates its folders: a lookup of an unknown key leaves nothing behind.</summary>
    private string Resolve(string key)
    {
        ObjectKey.Validate(key);
        return Path.GetFullPath(Path.Combine(_root, key));
    }

    private static FileStream CreatePartial(string partial)
    {
        for (var attempt = 1; ; attempt++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
            try
            {
                return new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // The folder was deleted with its prefix between its creation and the open: create it again.
            }
        }
    }

    private static string PartialName(string target) => $"{target}.{Guid.NewGuid():N}.partial";
}
