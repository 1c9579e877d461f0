using System.Collections.Concurrent;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Grains.Hosting;

namespace Vsr.Grains.Inference;

/// <summary>
/// The inference devices this silo owns, created on first use. A device runs one chunk at a time:
/// its model session is not shared between concurrent callers.
/// </summary>
public sealed class LocalDevices(
    IOptions<NodeOptions> node,
    IOptions<InferenceOptions> inference,
    ModelCatalog catalog,
    ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ConcurrentDictionary<DeviceId, Lazy<Slot>> _slots = new();

    public IReadOnlyList<DeviceId> Configured { get; } = node.Value.Devices.Select(DeviceId.Parse).Distinct().ToList();

    /// <summary>Waits until <paramref name="id"/> is free and returns it; dispose the lease to release it.</summary>
    public async Task<DeviceLease> AcquireAsync(DeviceId id, CancellationToken cancellationToken)
    {
        if (!Configured.Contains(id))
        {
            throw new InvalidOperationException($"Device {id} is not configured on this silo (Vsr:Devices lists {string.Join(", ", Configured)}).");
        }

        var slot = _slots.GetOrAdd(id, key => new Lazy<Slot>(() => new Slot(
            new InferenceDevice(key, catalog, inference.Value, loggerFactory)))).Value;
        await slot.Gate.WaitAsync(cancellationToken);
        return new DeviceLease(slot.Device, slot.Gate);
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values.Where(s => s.IsValueCreated))
        {
            slot.Value.Device.Dispose();
            slot.Value.Gate.Dispose();
        }
    }

    private sealed record Slot(InferenceDevice Device)
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
