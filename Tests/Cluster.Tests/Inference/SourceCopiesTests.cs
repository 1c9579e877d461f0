using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;
using Vsr.Storage;

namespace Vsr.Cluster.Tests.Inference;

/// <summary>
/// A silo keeps one local copy of a job's source for the job's run and all its chunks there: with S3 every copy is a
/// full download of the video into scratch. These tests use a store that copies as S3 does.
/// </summary>
public sealed class SourceCopiesTests
{
    private const string Key = "jobs/a/source.mp4";

    [Fact]
    public async Task A_job_of_several_chunks_on_one_device_downloads_its_source_once_and_leaves_no_copy()
    {
        await using var cluster = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"],
            extraSettings: new Dictionary<string, string?> { ["Vsr:Simulation:FrameLatency"] = "00:00:00.005" });
        cluster.SiloStore.CopyLocalObjects = true;
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);

        var job = await cluster.SubmitAsync(clip, 2);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.True(done.Chunks.Count >= 4, $"expected several chunks, got {done.Chunks.Count}");
        Assert.Equal(1, cluster.SiloStore.Calls(nameof(IObjectStore.GetLocalAsync), done.Request!.SourceKey));
        await cluster.WaitForNoScratchFilesAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Callers_that_ask_at_once_share_one_download_which_is_deleted_when_the_last_releases_it()
    {
        using var temp = new TempDirectory();
        var (store, copies) = await StartAsync(temp);
        var gate = new TaskCompletionSource();
        store.LocalCopyGate = gate.Task;

        var waiting = Enumerable.Range(0, 4).Select(_ => copies.AcquireAsync(Key, releaseAtOnce: true, CancellationToken.None)).ToList();
        gate.SetResult();
        var held = await Task.WhenAll(waiting);

        Assert.Equal(1, store.Calls(nameof(IObjectStore.GetLocalAsync), Key));
        Assert.Single(held.Select(h => h.Path).Distinct());
        Assert.True(File.Exists(held[0].Path));
        foreach (var copy in held.Skip(1))
        {
            await copy.DisposeAsync();
        }

        Assert.True(File.Exists(held[0].Path), "released while still held");
        await held[0].DisposeAsync();
        Assert.Empty(Directory.GetFileSystemEntries(copies.Directory));
        Assert.Equal(0, copies.Count);
    }

    [Fact]
    public async Task A_copy_released_by_a_chunk_waits_for_the_jobs_next_chunk_and_then_goes()
    {
        using var temp = new TempDirectory();
        var (store, copies) = await StartAsync(temp);

        await (await copies.AcquireAsync(Key, releaseAtOnce: false, CancellationToken.None)).DisposeAsync();
        await using (var next = await copies.AcquireAsync(Key, releaseAtOnce: false, CancellationToken.None))
        {
            Assert.True(File.Exists(next.Path));
        }

        Assert.Equal(1, store.Calls(nameof(IObjectStore.GetLocalAsync), Key));
        await WaitUntilAsync(() => copies.Count == 0 && Directory.GetFileSystemEntries(copies.Directory).Length == 0,
            SourceCopies.ReleaseDelay * 3);
    }

    [Fact]
    public async Task A_failed_download_leaves_no_file_and_the_next_caller_downloads_again()
    {
        using var temp = new TempDirectory();
        var (store, copies) = await StartAsync(temp);
        store.Fail(nameof(IObjectStore.GetLocalAsync), key => key == Key);

        await Assert.ThrowsAsync<IOException>(() => copies.AcquireAsync(Key, releaseAtOnce: false, CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(copies.Directory));

        await using var copy = await copies.AcquireAsync(Key, releaseAtOnce: false, CancellationToken.None);
        Assert.True(File.Exists(copy.Path));
        Assert.Equal(2, store.Calls(nameof(IObjectStore.GetLocalAsync), Key));
    }

    [Fact]
    public async Task A_download_whose_only_caller_is_cancelled_stops_and_leaves_no_file()
    {
        using var temp = new TempDirectory();
        var (store, copies) = await StartAsync(temp);
        store.LocalCopyGate = new TaskCompletionSource().Task;
        using var stop = new CancellationTokenSource();

        var waiting = copies.AcquireAsync(Key, releaseAtOnce: false, stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, copies.Count);
        Assert.Empty(Directory.GetFileSystemEntries(copies.Directory));
        store.LocalCopyGate = Task.CompletedTask;
        await using var copy = await copies.AcquireAsync(Key, releaseAtOnce: false, CancellationToken.None);
        Assert.True(File.Exists(copy.Path));
    }

    private static async Task<(FaultyObjectStore Store, SourceCopies Copies)> StartAsync(TempDirectory temp)
    {
        var store = new FaultyObjectStore(new FileSystemObjectStore(temp.Combine("objects"))) { CopyLocalObjects = true };
        await store.PutAsync(Key, new MemoryStream(new byte[4096]), CancellationToken.None);
        var copies = new SourceCopies(store, Options.Create(new NodeOptions { WorkDirectory = temp.Combine("work") }),
            NullLogger<SourceCopies>.Instance);
        Directory.CreateDirectory(copies.Directory);
        return (store, copies);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not so after {timeout}");
            await Task.Delay(50);
        }
    }
}
