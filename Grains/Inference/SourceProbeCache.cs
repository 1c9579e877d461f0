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

        var entry = _entries.GetOrAdd(sourceKey, _ => new Lazy<Task<VideoInfo>>(() => VideoProbe.ProbeAsync(localPath, CancellationToken.None)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _entries.TryRemove(sourceKey, out _);
            throw;
        }
    }
}
