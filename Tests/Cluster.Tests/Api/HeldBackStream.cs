namespace Vsr.Cluster.Tests.Api;

/// <summary>
/// An upload body that sends all but its last bytes, then waits for <paramref name="release"/>: two requests held this
/// way reach the server's handler at the same moment.
/// </summary>
public sealed class HeldBackStream(byte[] bytes, Task release) : Stream
{
    private const int HeldBytes = 16;
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int position;

    /// <summary>Completes once the first bytes have been read for sending.</summary>
    public Task Started => started.Task;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        started.TrySetResult();
        var remaining = bytes.Length - position;
        if (remaining <= HeldBytes)
        {
            await release.WaitAsync(cancellationToken);
        }

        var count = Math.Min(buffer.Length, remaining > HeldBytes ? remaining - HeldBytes : remaining);
        bytes.AsMemory(position, count).CopyTo(buffer);
        position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
