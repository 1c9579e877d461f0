using System.Collections.Concurrent;
using Vsr.Storage;

namespace Vsr.Cluster.Tests.Support;

/// <summary>
/// The silos' object store with faults on demand: each rule fails the calls it matches, as an S3 503 would, a given
/// number of times (or for ever), and counts them. Without rules it passes every call through. It also counts every call
/// by operation and key, and can hand out local copies as a remote store does.
/// </summary>
public sealed class FaultyObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly ConcurrentQueue<Rule> _rules = new();
    private readonly ConcurrentDictionary<(string Operation, string Key), int> _calls = new();

    /// <summary>
    /// When set, <see cref="GetLocalAsync"/> downloads into the scratch directory and deletes the copy on dispose, as S3
    /// does, instead of handing out the stored file; each copy first waits for <see cref="LocalCopyGate"/>.
    /// </summary>
    public bool CopyLocalObjects { get; set; }

    /// <summary>What each local copy waits for before it is written (with <see cref="CopyLocalObjects"/>).</summary>
    public Task LocalCopyGate { get; set; } = Task.CompletedTask;

    /// <summary>How many times <paramref name="operation"/> was called for <paramref name="key"/>, faulted calls included.</summary>
    public int Calls(string operation, string key) => _calls.GetValueOrDefault((operation, key));

    /// <summary>Fails the next <paramref name="times"/> calls of <paramref name="operation"/> whose key matches (-1: every one).</summary>
    public Rule Fail(string operation, Func<string, bool> key, int times = 1)
    {
        var rule = new Rule(operation, key, times);
        _rules.Enqueue(rule);
        return rule;
    }

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) =>
        Check(nameof(PutAsync), key) ?? inner.PutAsync(key, content, cancellationToken);

    /// <summary>What each <see cref="PutFileAsync"/> waits for before it writes, by key (a slow upload); none when null.</summary>
    public Func<string, Task>? BeforePutFile { get; set; }

    public Task PutFileAsync(string key, string path, CancellationToken cancellationToken) =>
        Check(nameof(PutFileAsync), key) ?? PutFileAfterAsync(key, path, cancellationToken);

    private async Task PutFileAfterAsync(string key, string path, CancellationToken cancellationToken)
    {
        if (BeforePutFile is { } before)
        {
            await before(key).WaitAsync(cancellationToken);
        }

        await inner.PutFileAsync(key, path, cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Check<Stream?>(nameof(OpenReadAsync), key) ?? inner.OpenReadAsync(key, cancellationToken);

    public Task<LocalObject> GetLocalAsync(string key, string scratchDirectory, CancellationToken cancellationToken) =>
        Check<LocalObject>(nameof(GetLocalAsync), key)
        ?? (CopyLocalObjects ? CopyAsync(key, scratchDirectory, cancellationToken) : inner.GetLocalAsync(key, scratchDirectory, cancellationToken));

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        Check<bool>(nameof(ExistsAsync), key) ?? inner.ExistsAsync(key, cancellationToken);

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken) =>
        Check(nameof(DeletePrefixAsync), prefix) ?? inner.DeletePrefixAsync(prefix, cancellationToken);

    private async Task<LocalObject> CopyAsync(string key, string scratchDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(scratchDirectory, $"{Guid.NewGuid():N}-{Path.GetFileName(key)}");
        try
        {
            await LocalCopyGate.WaitAsync(cancellationToken);
            await using var source = await inner.OpenReadAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(key);
            await using var file = File.Create(path);
            await source.CopyToAsync(file, cancellationToken);
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return new LocalObject(path, isTemporaryCopy: true);
    }

    private Task? Check(string operation, string key) => Matches(operation, key) is { } e ? Task.FromException(e) : null;

    private Task<T>? Check<T>(string operation, string key) => Matches(operation, key) is { } e ? Task.FromException<T>(e) : null;

    private IOException? Matches(string operation, string key)
    {
        _calls.AddOrUpdate((operation, key), 1, (_, n) => n + 1);
        foreach (var rule in _rules)
        {
            if (rule.Operation == operation && rule.Key(key) && rule.TryTake())
            {
                return new IOException($"Injected fault: {operation} {key} answered 503 Service Unavailable.");
            }
        }

        return null;
    }

    public sealed class Rule(string operation, Func<string, bool> key, int times)
    {
        private int _left = times;
        private int _failed;

        public string Operation { get; } = operation;

        public Func<string, bool> Key { get; } = key;

        /// <summary>How many calls this rule failed.</summary>
        public int Failed => Volatile.Read(ref _failed);

        internal bool TryTake()
        {
            while (true)
            {
                var left = Volatile.Read(ref _left);
                if (left == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _left, left < 0 ? left : left - 1, left) == left)
                {
                    Interlocked.Increment(ref _failed);
                    return true;
                }
            }
        }
    }
}
