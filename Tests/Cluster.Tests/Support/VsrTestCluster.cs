using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Vsr.Grains.Hosting;
using Vsr.Grains.Jobs;
using Vsr.Storage;

namespace Vsr.Cluster.Tests.Support;

/// <summary>
/// An in-process cluster of real silos running the product's silo configuration: real model, real ffmpeg,
/// a filesystem object store and filesystem grain state shared by the silos, all under one temp directory.
/// </summary>
public sealed class VsrTestCluster : IAsyncDisposable
{
    private readonly TempDirectory _temp;
    private readonly bool _ownsTemp;

    private VsrTestCluster(short silos, string[] devices, double chunkSeconds, IReadOnlyDictionary<string, string?>? extraSettings,
        Action<IServiceCollection>? services, TempDirectory? root, bool fastFailureDetection)
    {
        (_temp, _ownsTemp) = root is null ? (new TempDirectory("vsr-cluster"), true) : (root, false);
        var settings = new Dictionary<string, string?>
        {
            ["Vsr:ModelsDirectory"] = RepoPaths.ModelsDirectory,
            ["Vsr:WorkDirectory"] = _temp.Combine("work"),
            ["Vsr:ObjectStoreDirectory"] = _temp.Combine("objects"),
            ["Vsr:GrainState"] = "FileSystem",
            ["Vsr:GrainStateDirectory"] = _temp.Combine("state"),
            ["Vsr:Jobs:ChunkSeconds"] = chunkSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vsr:Jobs:Preset"] = "ultrafast",
            ["Vsr:Inference:IntraOpThreads"] = "1",
            // Short, so the tests that fail chunks stay quick; InternalErrorTests checks the wait itself.
            ["Vsr:Jobs:ChunkRetryDelay"] = "00:00:00.200",
        };
        for (var i = 0; i < devices.Length; i++)
        {
            settings[$"Vsr:Devices:{i}"] = devices[i];
        }

        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Store = new FileSystemObjectStore(_temp.Combine("objects"));
        _store = new FaultyObjectStore(Store);

        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            // Registered first, so the product's registration (TryAdd) keeps this one; tests inject faults through it.
            silo.Services.AddSingleton<IObjectStore>(_store);
            silo.AddVideoEnhancement(Configuration);
            services?.Invoke(silo.Services);
            if (fastFailureDetection)
            {
                // A killed silo is declared dead within seconds. Only for tests that kill one: on a loaded 2-vCPU machine
                // a silo whose threads are busy with inference can miss two 1 s probes and be declared dead while alive.
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                });
            }
        });
        Cluster = builder.Build();
    }

    public InProcessTestCluster Cluster { get; }

    public IConfiguration Configuration { get; }

    /// <summary>The same object store the silos use.</summary>
    public IObjectStore Store { get; }

    /// <summary>The silos' view of <see cref="Store"/>, where a test makes chosen calls fail.</summary>
    public FaultyObjectStore SiloStore => _store;

    private readonly FaultyObjectStore _store;

    public string TempPath => _temp.Path;

    /// <param name="extraSettings">More configuration for every silo, such as <c>Vsr:Simulation:FrameLatency</c>.</param>
    /// <param name="services">Changes to every silo's services after the product's own, such as a decorated service.</param>
    /// <param name="root">
    /// Where the object store, job state and scratch live, owned by the caller (kept on dispose), so that a later cluster
    /// can start over the same state as after a full restart; by default a temp directory of this cluster's own.
    /// </param>
    /// <param name="fastFailureDetection">Whether a dead silo is declared dead within seconds, for tests that kill one.</param>
    public static async Task<VsrTestCluster> StartAsync(short silos = 2, string[]? devices = null, double chunkSeconds = 0.4,
        IReadOnlyDictionary<string, string?>? extraSettings = null, Action<IServiceCollection>? services = null, TempDirectory? root = null,
        bool fastFailureDetection = false)
    {
        var cluster = new VsrTestCluster(silos, devices ?? ["cpu:0", "cpu:1"], chunkSeconds, extraSettings, services, root, fastFailureDetection);
        await cluster.Cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Uploads a local file as a job source and submits it, as the API does.</summary>
    public async Task<IJobGrain> SubmitAsync(string localFile, int scale, string? model = "realesr-animevideov3", string content = JobContent.Auto,
        bool denoise = false, bool deblock = false, string? callbackUrl = null, bool qualityReport = false, Func<JobRequest, JobRequest>? adjust = null)
    {
        var id = Guid.NewGuid();
        var key = $"jobs/{id:N}/source{Path.GetExtension(localFile)}";
        await Store.PutFileAsync(key, localFile, CancellationToken.None);
        var job = Cluster.Client.GetGrain<IJobGrain>(id);
        var request = new JobRequest(key, Path.GetFileName(localFile), scale, model, content, denoise, deblock, CallbackUrl: callbackUrl, QualityReport: qualityReport);
        await job.Submit(adjust is null ? request : adjust(request));
        return job;
    }

    /// <summary>Stores a local file as a new job's source, as the API does, and returns the job's grain, unsubmitted.</summary>
    public async Task<(IJobGrain Job, string SourceKey)> StoreSourceAsync(string localFile)
    {
        var id = Guid.NewGuid();
        var key = $"jobs/{id:N}/source{Path.GetExtension(localFile)}";
        await Store.PutFileAsync(key, localFile, CancellationToken.None);
        return (Cluster.Client.GetGrain<IJobGrain>(id), key);
    }

    /// <summary>Copies a stored object to a file in this cluster's temp directory and returns its path.</summary>
    public async Task<string> DownloadAsync(string key)
    {
        var path = _temp.Combine($"download-{Guid.NewGuid():N}{Path.GetExtension(key)}");
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None)
            ?? throw new InvalidOperationException($"{key} is not in the object store");
        await using var file = File.Create(path);
        await stream.CopyToAsync(file);
        return path;
    }

    /// <summary>Polls until the job is COMPLETED or FAILED; fails the test on timeout.</summary>
    public static async Task<JobSnapshot> WaitForEndAsync(IJobGrain job, TimeSpan timeout, Func<JobSnapshot, Task>? onPoll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = await job.GetSnapshot();
            if (snapshot.Status is JobStatus.Completed or JobStatus.Failed)
            {
                return snapshot;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job still {snapshot.Status} after {timeout}: {snapshot.Progress}");
            }

            if (onPoll is not null)
            {
                await onPoll(snapshot);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the silos' scratch directory holds no files (jobs clean up just after they end).</summary>
    public async Task WaitForNoScratchFilesAsync(TimeSpan timeout)
    {
        var work = _temp.Combine("work");
        var deadline = DateTime.UtcNow + timeout;
        string[] left;
        while ((left = Directory.Exists(work) ? Directory.GetFiles(work, "*", SearchOption.AllDirectories) : []).Length > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Scratch files left behind: {string.Join(", ", left)}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_ownsTemp)
        {
            _temp.Dispose();
        }
    }
}
