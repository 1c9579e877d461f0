using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Vsr.Database;
using Vsr.Grains.Hosting;
using Vsr.Grains.Jobs;
using Vsr.Integration.Tests.Support;
using Vsr.Storage;

namespace Vsr.Integration.Tests.Jobs;

/// <summary>
/// Every silo stops mid-job; a new set of silos (same service id, same PostgreSQL state and reminders, same object
/// store) starts. Nobody calls the job: its reminder must wake it, and it must finish from its ledger.
/// </summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private readonly ScratchDatabase _database = new();
    private readonly string _root = Directory.CreateTempSubdirectory("vsr-resume-").FullName;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await new SchemaInitializer(_database.ConnectionString).ApplyAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_job_interrupted_by_a_full_cluster_stop_resumes_by_its_reminder_without_redoing_stored_chunks()
    {
        var clip = Path.Combine(_root, "clip.mp4");
        await TestClip.MakeAsync(clip, 96, 72, seconds: 6);
        var store = new FileSystemObjectStore(Path.Combine(_root, "objects"));
        var id = Guid.NewGuid();
        var sourceKey = $"jobs/{id:N}/source.mp4";
        await store.PutFileAsync(sourceKey, clip, CancellationToken.None);

        IReadOnlyList<ChunkRecord> before;
        await using (var first = await StartClusterAsync())
        {
            var job = first.Client.GetGrain<IJobGrain>(id);
            await job.Submit(new JobRequest(sourceKey, "clip.mp4", 2, "realesr-animevideov3"));
            before = await WaitForDoneChunksAsync(job, atLeast: 2);
        }

        // The first cluster saved the job list (the job's hour and the hours index) in PostgreSQL beside the job.
        var grainTypes = await _database.ColumnAsync("SELECT DISTINCT graintypestring FROM orleansstorage");
        Assert.True(grainTypes.Count(t => t.Contains("joblist", StringComparison.OrdinalIgnoreCase)) == 2, string.Join(", ", grainTypes));

        await using var second = await StartClusterAsync();
        var outputKey = $"jobs/{id:N}/output.mp4";
        var clock = Stopwatch.StartNew();
        while (!await store.ExistsAsync(outputKey, CancellationToken.None))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                var reminders = await _database.ColumnAsync("SELECT grainid || ' ' || remindername FROM orleansreminderstable");
                Assert.Fail($"the job did not finish within 2 minutes of the restart; reminders in the table: [{string.Join("; ", reminders)}]");
            }

            await Task.Delay(500);
        }

        var done = await second.Client.GetGrain<IJobGrain>(id).GetSnapshot();
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(150, done.Progress.FramesDone);
        foreach (var stored in before)
        {
            var after = done.Chunks[stored.Index];
            Assert.Equal(stored.OutputKey, after.OutputKey);
            Assert.Equal(stored.Attempts, after.Attempts);
        }

        Assert.Contains(done.Chunks, c => before.All(b => b.Index != c.Index));

        // The second cluster brings the stored list up to date.
        var hour = IJobListGrain.BucketKey(done.CreatedAt!.Value);
        Assert.Contains(hour, await second.Client.GetGrain<IJobListIndexGrain>(0).AtOrBefore(null, 10));
        var list = second.Client.GetGrain<IJobListGrain>(hour);
        var listed = await list.List(null, JobStatus.Completed, 10);
        for (var waited = 0; listed.Count == 0 && waited < 50; waited++)
        {
            // Recorded just after the job's own save.
            await Task.Delay(100);
            listed = await list.List(null, JobStatus.Completed, 10);
        }

        Assert.Equal([new JobListing(id, done.CreatedAt.Value, JobStatus.Completed)], listed);
    }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["Vsr:GrainState"] = "AdoNet",
            ["Vsr:Devices:0"] = "cpu:0",
            ["Vsr:ModelsDirectory"] = RepoModels.Directory,
            ["Vsr:WorkDirectory"] = Path.Combine(_root, "work"),
            ["Vsr:ObjectStoreDirectory"] = Path.Combine(_root, "objects"),
            ["Vsr:Jobs:ChunkSeconds"] = "0.5",
            ["Vsr:Jobs:Preset"] = "ultrafast",
            ["Vsr:Jobs:ResumeCheckPeriod"] = "00:00:05",
            ["Vsr:Inference:IntraOpThreads"] = "1",
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ServiceId = "vsr-resume-test";
        builder.ConfigureSilo((_, silo) => silo.AddVideoEnhancement(configuration));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task<IReadOnlyList<ChunkRecord>> WaitForDoneChunksAsync(IJobGrain job, int atLeast)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var snapshot = await job.GetSnapshot();
            Assert.True(snapshot.Status is JobStatus.Pending or JobStatus.Processing, $"job ended {snapshot.Status} before the stop: {snapshot.Error}");
            var done = snapshot.Chunks.Where(c => c.Status == ChunkStatus.Done).ToList();
            if (done.Count >= atLeast)
            {
                return done;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no chunk finished in time");
            await Task.Delay(100);
        }
    }
}
