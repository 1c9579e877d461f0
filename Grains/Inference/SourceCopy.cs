namespace Vsr.Grains.Inference;

/// <summary>A hold on this silo's local copy of a job source (see <see cref="SourceCopies"/>); disposing releases it.</summary>
public sealed class SourceCopy(string path, Func<ValueTask> release) : IAsyncDisposable
{
    private int _released;

    public string Path { get; } = path;

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? release() : ValueTask.CompletedTask;
}
