using Vsr.Engine.Inference;

namespace Vsr.Grains.Inference;

/// <summary>Exclusive use of one device until disposed.</summary>
public sealed class DeviceLease(InferenceDevice device, SemaphoreSlim gate) : IDisposable
{
    private int _released;

    public InferenceDevice Device { get; } = device;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
