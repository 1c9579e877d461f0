using Vsr.Grains.Hosting;
using Vsr.Storage;

namespace Vsr.Grains.Inference;

/// <summary>
/// One local copy of each job source on this silo, shared by the job's run and its chunks here. A remote store
/// downloads the whole source into scratch for every caller, so without sharing a long film costs a full download per
/// chunk and a copy per chunk in flight. The copy is downloaded once, however many callers ask at the same time, and is
/// deleted when the last holder releases it (after <see cref="ReleaseDelay"/> when that holder was a chunk, since the
/// job's next chunk for this silo is usually on its way). A download that fails or is cancelled leaves no file and is
/// forgotten, so the next caller downloads again.
/// </summary>
public sealed class SourceCopies(IObjectStore store, IOptions<NodeOptions> node, ILogger<SourceCopies> logger) : IAsyncDisposable
{
    /// <summary>How long a copy outlives its last chunk: longer than the job takes to send this silo the next one.</summary>
    public static readonly TimeSpan ReleaseDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Directory under <c>Vsr:WorkDirectory</c> where the copies live, one folder each.</summary>
    public string Directory { get; } = Path.Combine(Path.GetFullPath(node.Value.WorkDirectory), "sources");

    /// <summary>
    /// The local copy of <paramref name="sourceKey"/>, downloaded unless this silo holds one; dispose the handle to release it.
    /// Cancelling stops only this caller's wait; the download goes on while anyone else waits for it.
    /// </summary>
    /// <param name="releaseAtOnce">Delete the copy as soon as this holder releases it last (the job's own run ended).</param>
    public async Task<SourceCopy> AcquireAsync(string sourceKey, bool releaseAtOnce, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(sourceKey, out entry!) || entry.Download.IsFaulted || entry.Download.IsCanceled)
            {
                entry = new Entry(sourceKey, Path.Combine(Directory, Guid.NewGuid().ToString("N")));
                // On the thread pool, not the calling grain's scheduler: the download and its file work need no grain.
                entry.Download = Task.Run(() => DownloadAsync(entry));
                _entries[sourceKey] = entry;
            }

            entry.Holders++;
            entry.Generation++;
        }

        try
        {
            var local = await entry.Download.WaitAsync(cancellationToken);
            return new SourceCopy(local.Path, () => ReleaseAsync(entry, releaseAtOnce));
        }
        catch
        {
            await ReleaseAsync(entry, releaseAtOnce: true);
            throw;
        }
    }

    /// <summary>How many sources this silo holds or is downloading.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private Task<LocalObject> DownloadAsync(Entry entry)
    {
        System.IO.Directory.CreateDirectory(entry.Folder);
        return store.GetLocalAsync(entry.Key, entry.Folder, entry.Stop.Token);
    }

    private async ValueTask ReleaseAsync(Entry entry, bool releaseAtOnce)
    {
        int generation;
        bool removeNow;
        lock (_lock)
        {
            if (--entry.Holders > 0 || entry.Removed)
            {
                return;
            }

            generation = entry.Generation;
            removeNow = releaseAtOnce || !entry.Download.IsCompletedSuccessfully;
            if (removeNow)
            {
                Forget(entry);
            }
        }

        if (removeNow)
        {
            await RemoveAsync(entry);
        }
        else
        {
            _ = Task.Run(() => RemoveLaterAsync(entry, generation));
        }
    }

    /// <summary>Removes the copy unless someone acquired it again meanwhile.</summary>
    private async Task RemoveLaterAsync(Entry entry, int generation)
    {
        await Task.Delay(ReleaseDelay, CancellationToken.None);
        lock (_lock)
        {
            if (entry.Holders > 0 || entry.Generation != generation || entry.Removed)
            {
                return;
            }

            Forget(entry);
        }

        await RemoveAsync(entry);
    }

    /// <summary>Drops the entry from the table (a failed one may already have been replaced there); call under the lock.</summary>
    private void Forget(Entry entry)
    {
        entry.Removed = true;
        if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
        {
            _entries.Remove(entry.Key);
        }
    }

    /// <summary>Stops a download still running, then deletes whatever it left. Runs once per entry, after <see cref="Forget"/>.</summary>
    private async Task RemoveAsync(Entry entry)
    {
        await entry.Stop.CancelAsync();
        try
        {
            await using var local = await entry.Download;
        }
        catch (Exception)
        {
            // Its callers got the failure; here only the files matter.
        }

        try
        {
            if (System.IO.Directory.Exists(entry.Folder))
            {
                System.IO.Directory.Delete(entry.Folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not delete the local copy of {Source} in {Folder}", entry.Key, entry.Folder);
        }

        entry.Stop.Dispose();
    }

    /// <summary>At shutdown, whatever is still held or lingering goes.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_lock)
        {
            entries = [.. _entries.Values];
            foreach (var entry in entries)
            {
                Forget(entry);
            }
        }

        foreach (var entry in entries)
        {
            await RemoveAsync(entry);
        }
    }

    private sealed class Entry(string key, string folder)
    {
        public string Key { get; } = key;

        public string Folder { get; } = folder;

        public CancellationTokenSource Stop { get; } = new();

        public Task<LocalObject> Download { get; set; } = null!;

        public int Holders { get; set; }

        /// <summary>Counts acquisitions, so a delayed removal knows the copy was taken again after it was scheduled.</summary>
        public int Generation { get; set; }

        public bool Removed { get; set; }
    }
}
