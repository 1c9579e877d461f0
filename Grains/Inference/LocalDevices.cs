using Microsoft.Extensions.Hosting;
using System.Collections.Concurrent;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Models;
using Vsr.Engine.Simulation;
using Vsr.Grains.Hosting;

namespace Vsr.Grains.Inference;

/// <summary>
/// The inference devices this silo owns, created on first use. The provider each model device runs on is probed once,
/// for all of them, when the silo starts (<see cref="ExecutionProviderProbe"/>): a GPU device under
/// <see cref="InferenceOptions.RequireGpu"/> that would run on the CPU stops the start there, and the CPU threads are
/// divided among every device that runs on the CPU provider, GPU devices that fell back included. A device runs one
/// chunk at a time: its model session is not shared between concurrent callers. When the silo stops, chunks waiting for
/// a device are handed back, running ones get <see cref="JobOptions.DeviceDrainTimeout"/> to finish and are then
/// cancelled, and each device is released only after its chunk has let go of it: freeing a native session under a
/// running inference would crash the process. <c>sim:N</c> devices are simulations (<see cref="SimulatedDevice"/>); every other kind runs
/// the model.
/// </summary>
public sealed class LocalDevices(
    IOptions<NodeOptions> node,
    IOptions<InferenceOptions> inference,
    IOptions<SimulationOptions> simulation,
    IOptions<JobOptions> jobs,
    IOptions<HostOptions> host,
    PlaceholderChunks placeholders,
    ModelCatalog catalog,
    ILoggerFactory loggerFactory) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<DeviceId, Lazy<Slot>> _slots = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _draining = new();
    private readonly Lazy<IReadOnlyDictionary<DeviceId, ProviderChoice>> _providers = new(() => node.Value.Devices
        .Select(DeviceId.Parse).Distinct().Where(id => !id.IsSimulated)
        .ToDictionary(id => id, id => ExecutionProviderProbe.Choose(id, inference.Value, loggerFactory.CreateLogger<InferenceDevice>())));
    private DeviceProviderGauge? _gauge;
    private int _disposed;
    private int _working;

    public IReadOnlyList<DeviceId> Configured { get; } = node.Value.Devices.Select(DeviceId.Parse).Distinct().ToList();

    /// <summary>The provider each model device (every configured one but <c>sim:N</c>) runs on; probed on first use.</summary>
    /// <exception cref="GpuRequiredException">A GPU device would run on the CPU under <see cref="InferenceOptions.RequireGpu"/>.</exception>
    public IReadOnlyDictionary<DeviceId, ProviderChoice> Providers => _providers.Value;

    /// <summary>The inference options <paramref name="id"/>'s sessions get: its share of the CPU threads among the devices on the CPU provider.</summary>
    public InferenceOptions OptionsFor(DeviceId id) => Providers[id].Provider == ExecutionProviderKind.Cpu
        ? inference.Value.ForCpuDevices(Providers.Values.Count(choice => choice.Provider == ExecutionProviderKind.Cpu))
        : inference.Value;

    /// <summary>
    /// Probes the devices' providers before the silo joins the cluster, so that a refused GPU stops the start; the
    /// <see cref="DeviceProviderGauge"/> starts reporting then.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(LocalDevices), ServiceLifecycleStage.RuntimeInitialize, async cancellationToken =>
        {
            var providers = await Task.Run(() => Providers, cancellationToken);
            _gauge ??= new DeviceProviderGauge(providers);
        });

        // The first step of a graceful stop, before the silo deactivates its grains (which waits for their running
        // calls) and while it can still answer: no device is handed out any more, running chunks get
        // DeviceDrainTimeout to finish, and then the devices stop them. Their jobs run what was stopped elsewhere.
        lifecycle.Subscribe(nameof(LocalDevices), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_draining.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            // A stop that is not graceful (its token already cancelled) is the silo going down as if it crashed: its
            // chunks are not handed back, and the jobs find them on a silo that left, as after a crash.
            return;
        }

        var log = loggerFactory.CreateLogger<LocalDevices>();
        await _draining.CancelAsync();
        // Within half the host's own shutdown time: the stop's later steps (leaving the membership, saving the jobs this
        // silo coordinates) need the rest, and run as after a crash once that time is up.
        var drain = TimeSpan.FromTicks(Math.Min(jobs.Value.DeviceDrainTimeout.Ticks, host.Value.ShutdownTimeout.Ticks / 2));
        var deadline = DateTime.UtcNow + drain;
        while (Busy() > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(100, CancellationToken.None);
        }

        if (Busy() is var busy and > 0)
        {
            log.LogInformation("The silo is stopping: {Busy} chunk(s) still at work here are stopped, to run again elsewhere", busy);
        }

        await _shutdown.CancelAsync();

        // Stopped work answers its job (DeviceStoppedException) at once; the stop waits for those answers, a few seconds
        // at most, so that they go out before the silo stops sending: an answer lost would cost its chunk an attempt.
        var answered = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Busy() > 0 && DateTime.UtcNow < answered && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        // Work, not devices: a chunk that has let go of its device may still be uploading its output.
        int Busy() => Volatile.Read(ref _working);
    }

    /// <summary>Counts a chunk's work on this silo (from its wait for a device to its stored output) until disposed; a stop drains it.</summary>
    public IDisposable BeginWork()
    {
        Interlocked.Increment(ref _working);
        return new WorkDone(this);
    }

    private sealed class WorkDone(LocalDevices devices) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref devices._working);
            }
        }
    }

    /// <summary>Cancelled when the silo stops its devices' work (after <see cref="JobOptions.DeviceDrainTimeout"/>); chunk work links to it.</summary>
    public CancellationToken ShuttingDown => _shutdown.Token;

    /// <summary>Cancelled as soon as the silo starts to stop: no device is handed out after that.</summary>
    public CancellationToken Stopping => _draining.Token;

    /// <summary>Waits until <paramref name="id"/> is free and returns it; dispose the lease to release it.</summary>
    public async Task<DeviceLease> AcquireAsync(DeviceId id, CancellationToken cancellationToken)
    {
        if (!Configured.Contains(id))
        {
            throw new InvalidOperationException($"Device {id} is not configured on this silo (Vsr:Devices lists {string.Join(", ", Configured)}).");
        }

        var slot = _slots.GetOrAdd(id, key => new Lazy<Slot>(() => new Slot(Create(key)))).Value;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _draining.Token);
        await slot.Gate.WaitAsync(wait.Token);
        return new DeviceLease(slot.Runner, slot.Gate);
    }

    // The container disposes this twice (as itself, and as the lifecycle participant its factory hands out); the second
    // time would wait out DrainTimeout on each device gate the first one took.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _gauge?.Dispose();
        _draining.Cancel();
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
        : new ModelChunkRunner(new InferenceDevice(id, catalog, OptionsFor(id), loggerFactory, Providers[id]), new EncodeOptions(jobs.Value.Crf, jobs.Value.Preset, Av1Preset: jobs.Value.Av1Preset));

    private sealed record Slot(IChunkRunner Runner)
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
