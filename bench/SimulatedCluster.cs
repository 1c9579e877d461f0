using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using Vsr.Engine.Models;
using Vsr.Engine.Simulation;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;
using Vsr.Storage;

namespace Vsr.Bench;

/// <summary>
/// Silos in this process (Orleans' in-process test cluster, in-memory transport) configured as the product configures
/// a silo, except that every device is SIMULATED (<c>sim:N</c>): for measuring the scheduler, not inference.
/// Grain state is the embedded default (memory); the object store is a filesystem store shared by the silos.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    /// <summary>Every job asks for x2, so outputs are twice the source's size.</summary>
    private const int Scale = 2;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly InProcessTestCluster _cluster;
    private readonly IObjectStore _store;
    private readonly DispatchClock _clock = new();
    private readonly int _devices;

    private SimulatedCluster(short silos, int devicesPerSilo, TimeSpan frameLatency, double chunkSeconds, string directory)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Vsr:WorkDirectory"] = Path.Combine(directory, "work"),
            ["Vsr:ObjectStoreDirectory"] = Path.Combine(directory, "objects"),
            ["Vsr:Simulation:FrameLatency"] = frameLatency.ToString("c", CultureInfo.InvariantCulture),
            ["Vsr:Jobs:ChunkSeconds"] = chunkSeconds.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < devicesPerSilo; i++)
        {
            settings[$"Vsr:Devices:{i}"] = $"sim:{i}";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _store = new FileSystemObjectStore(Path.Combine(directory, "objects"));
        var builder = new InProcessTestClusterBuilder(silos);
        // The bench reports for itself; the test cluster's log files would land in the working directory.
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddVideoEnhancement(configuration).AddOutgoingGrainCallFilter(_clock.ObserveAsync));
        _cluster = builder.Build();
        _devices = silos * devicesPerSilo;
    }

    public static async Task<SimulatedCluster> StartAsync(short silos, int devicesPerSilo, TimeSpan frameLatency, double chunkSeconds, string directory)
    {
        var cluster = new SimulatedCluster(silos, devicesPerSilo, frameLatency, chunkSeconds, directory);
        await cluster._cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Puts <paramref name="clip"/> in the object store, as the API does with an upload; returns its key.</summary>
    public async Task<string> StoreAsync(string clip, CancellationToken cancellationToken)
    {
        var key = $"bench/{Guid.NewGuid():N}/source{Path.GetExtension(clip)}";
        await _store.PutFileAsync(key, clip, cancellationToken);
        return key;
    }

    /// <summary>
    /// Does on every silo what it otherwise does on its first chunk of a source: activate its device grains, probe the
    /// source, and encode the placeholder for chunks of <paramref name="framesPerChunk"/> frames. Each is one-off work
    /// per silo (an ffprobe or ffmpeg run can outlast a chunk on a busy machine); afterwards every silo's directory must
    /// list every device, so that no device is missed by the job.
    /// </summary>
    public async Task PrepareAsync(string key, int framesPerChunk, CancellationToken cancellationToken)
    {
        await using var source = await _store.GetLocalAsync(key, Path.GetTempPath(), cancellationToken);
        await Task.WhenAll(_cluster.Silos.Select(async silo =>
        {
            var services = _cluster.GetSiloServiceProvider(silo.SiloAddress);
            var video = await services.GetRequiredService<SourceProbeCache>().GetAsync(key, source.Path, cancellationToken);
            await services.GetRequiredService<PlaceholderChunks>()
                .GetAsync(video, video.Width * Scale, video.Height * Scale, framesPerChunk, cancellationToken);
            foreach (var device in services.GetRequiredService<LocalDevices>().Configured)
            {
                await _cluster.Client.GetGrain<IInferenceGrain>(DeviceKey.Create(silo.SiloAddress.ToParsableString(), device.ToString())).Describe();
            }
        }));

        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (_cluster.Silos.Any(s => _cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<DeviceDirectory>().ActiveDeviceKeys().Count != _devices))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Not every silo lists all {_devices} simulated devices after 30 s.");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Submits the stored source <paramref name="key"/> as a job and waits until it is COMPLETED.</summary>
    /// <exception cref="InvalidOperationException">The job failed or was cancelled.</exception>
    public async Task<SimulatedJobRun> RunJobAsync(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _clock.Reset();
        var started = Stopwatch.GetTimestamp();
        var job = _cluster.Client.GetGrain<IJobGrain>(Guid.NewGuid());
        var snapshot = await job.Submit(new JobRequest(key, Path.GetFileName(key), Scale, ModelCatalog.DefaultModel));
        while (snapshot.Status is not (JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled))
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"The simulated job is still {snapshot.Status} after {timeout}: {snapshot.Progress}");
            }

            await Task.Delay(Poll, cancellationToken);
            snapshot = await job.GetSnapshot();
        }

        var jobSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (snapshot.Status != JobStatus.Completed)
        {
            throw new InvalidOperationException($"The simulated job ended {snapshot.Status}: {snapshot.Error}");
        }

        var devicesUsed = snapshot.Chunks.Select(c => c.Device).Distinct().Count();
        return new SimulatedJobRun(snapshot.Progress.FramesTotal, snapshot.Chunks.Count, devicesUsed, _clock.Summarize(), jobSeconds);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
