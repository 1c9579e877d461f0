namespace Vsr.Engine.Tests.Media;

/// <summary>
/// Enhances the first batch like <see cref="NearestNeighbourEnhancer"/>, then blocks until cancelled, as a
/// long model call would: lets a test cancel a chunk while every stage is busy.
/// </summary>
public sealed class BlockingEnhancer : IFrameEnhancer
{
    private readonly NearestNeighbourEnhancer inner = new();
    private readonly TaskCompletionSource firstBatchDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Scale => inner.Scale;

    public int PreferredBatchSize => inner.PreferredBatchSize;

    public Task FirstBatchDone => firstBatchDone.Task;

    public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
    {
        if (firstBatchDone.Task.IsCompleted)
        {
            cancellationToken.WaitHandle.WaitOne();
            cancellationToken.ThrowIfCancellationRequested();
        }

        var result = inner.Enhance(frames, width, height, cancellationToken);
        firstBatchDone.TrySetResult();
        return result;
    }
}
