namespace Vsr.Engine.Tests.Inference;

/// <summary>
/// Runs a call that blocks on a thread of its own, not the pool's: a loaded two-CPU machine guarantees the pool only
/// two threads, so a pool task may start seconds late and swap which caller comes first, and a blocked pool thread
/// holds up the other tests. A test waits for a signal that the call has got where it should, never for a fixed time.
/// </summary>
internal static class OwnThread
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    public static OwnThread<T> Start<T>(Func<T> call) => new(call);

    public static OwnThread<bool> Start(Action call) => new(() =>
    {
        call();
        return true;
    });

    /// <summary>Whether <paramref name="condition"/> holds within <paramref name="timeout"/>.</summary>
    public static async Task<bool> Until(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(Poll);
        }

        return true;
    }
}

/// <summary>A call running on a thread of its own, and its outcome.</summary>
internal sealed class OwnThread<T>
{
    private readonly TaskCompletionSource<T> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;

    public OwnThread(Func<T> call)
    {
        _thread = new Thread(() =>
        {
            try
            {
                _outcome.SetResult(call());
            }
            catch (Exception e)
            {
                _outcome.SetException(e);
            }
        })
        {
            IsBackground = true,
        };
        _thread.Start();
    }

    public Task<T> Task => _outcome.Task;

    /// <summary>Whether the call blocks (on a lock, an event, a task) within <paramref name="timeout"/>, still not done.</summary>
    public async Task<bool> Blocks(TimeSpan timeout) =>
        await OwnThread.Until(() => Task.IsCompleted || (_thread.ThreadState & ThreadState.WaitSleepJoin) != 0, timeout) && !Task.IsCompleted;
}
