using System.Collections.Concurrent;
using Vsr.Engine.Media;

namespace Vsr.Grains.Inference;

/// <summary>
/// Probing costs ffprobe runs; every chunk of a job needs the same answer, so each silo probes a source once.
/// Entries are keyed by object key, which is immutable for a job's source.
/// </summary>
public sealed class SourceProbeCache
{
    private const int MaxEntries = 256;
    private readonly ConcurrentDictionary<string, Lazy<Task<VideoInfo>>> _entries = new();

    public async Task<VideoInfo> GetAsync(string sourceKey, string localPath, CancellationToken cancellationToken)
    {
        if (_entries.Count > MaxEntries)
        {
            _entries.Clear();
        }

        var entry = _entries.GetOrAdd(sourceKey, _ => NewEntry(localPath));
        if (entry.IsValueCreated && Failed(entry.Value))
        {
            // A probe that failed is no answer; it may have failed after its callers left, so nobody dropped it yet.
            _entries.TryRemove(KeyValuePair.Create(sourceKey, entry));
            entry = _entries.GetOrAdd(sourceKey, _ => NewEntry(localPath));
        }

        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (Failed(entry.Value))
        {
            // Only this entry: another caller may already have put a fresh probe in its place.
            _entries.TryRemove(KeyValuePair.Create(sourceKey, entry));
            throw;
        }
    }

    private static Lazy<Task<VideoInfo>> NewEntry(string localPath) =>
        new(() => VideoProbe.ProbeAsync(localPath, CancellationToken.None));

    private static bool Failed(Task task) => task.IsFaulted || task.IsCanceled;
}
