namespace Vsr.Grains.Inference;

/// <summary>
/// A device's silo is shutting down (a rolling update, a scale-in), so it stopped the work it had: the work did not
/// fail, and runs again elsewhere without the attempt it was charged.
/// </summary>
[GenerateSerializer]
public sealed class DeviceStoppedException : Exception
{
    public DeviceStoppedException()
    {
    }

    public DeviceStoppedException(string message)
        : base(message)
    {
    }

    public DeviceStoppedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
