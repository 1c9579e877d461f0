using System.Collections.Concurrent;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Models;
using Vsr.Engine.Simulation;
using Vsr.Grains.Hosting;

namespace Vsr.Grains.Inference;

/// <summary>
/// The inference devices this silo owns, created on first use. A device runs one chunk at a time:
/// its model session is not shared between concurrent callers. On shutdown, running chunks are cancelled and each
/// device is released only after its chunk has let go of it: freeing a native session under a running inference
/// would crash the process. <c>sim:N</c> devices are simulations (<see cref="SimulatedDevice"/>); every other kind runs
/// the model.
/// </summary>
public sealed class LocalDevices(
    IOptions<NodeOptions> node,
    IOptions<InferenceOptions> inference,
    IOptions<SimulationOptions> simulation,
    IOptions<JobOptions> jobs,
    PlaceholderChunks placeholders,
    ModelCatalog catalog,
    ILoggerFactory loggerFactory) : IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<DeviceId, Lazy<Slot>> _slots = new();
    private readonly CancellationTokenSource _shutdown = new();

    public IReadOnlyList<DeviceId> Configured { get; } = node.Value.Devices.Select(DeviceId.Parse).Distinct().ToList();

    /// <summary>Cancelled when the silo shuts down; chunk work links to it.</summary>
    public CancellationToken ShuttingDown => _shutdown.Token;

    /// <summary>Waits until <paramref name="id"/> is free and returns it; dispose the lease to release it.</summary>
    public async Task<DeviceLease> AcquireAsync(DeviceId id, CancellationToken cancellationToken)
    {
        if (!Configured.Contains(id))
        {
            throw new InvalidOperationException($"Device {id} is not configured on this silo (Vsr:Devices lists {string.Join(", ", Configured)}).");
        }

        var slot = _slots.GetOrAdd(id, key => new Lazy<Slot>(() => new Slot(Create(key)))).Value;
        await slot.Gate.WaitAsync(cancellationToken);
        return new DeviceLease(slot.Runner, slot.Gate);
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        foreach (var slot in _slots.Values.Where(s => s.IsValueCreated).Select(s => s.Value))
        {
            // A chunk that does not stop in time keeps its device; leaking it beats freeing it under the model.
            if (slot.Gate.Wait(DrainTimeout))
            {
                slot.Runner.Dispose();
            }
        }
    }

    private IChunkRunner Create(DeviceId id) => id.IsSimulated
        ? new SimulatedDevice(id, simulation.Value.FrameLatency, placeholders, loggerFactory.CreateLogger<SimulatedDevice>())
        : new ModelChunkRunner(new InferenceDevice(id, catalog, inference.Value.ForCpuDevices(Configured.Count(d => d.Kind == "cpu")), loggerFactory), new EncodeOptions(jobs.Value.Crf, jobs.Value.Preset));

    private sealed record Slot(IChunkRunner Runner)
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
