namespace Vsr.Grains.Inference;

/// <summary>Exclusive use of one device until disposed.</summary>
public sealed class DeviceLease(IChunkRunner runner, SemaphoreSlim gate) : IDisposable
{
    private int _released;

    public IChunkRunner Runner { get; } = runner;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
