using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

[Collection(ClusterCollection.Name)]
public sealed class UpscalingTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task A_clip_upscaled_across_two_silos_keeps_every_frame_and_its_audio(int scale)
    {
        var clip = await MediaFacts.MakeClipAsync(fixture.Clips.Combine($"clip-x{scale}.mp4"), 64, 48, seconds: 3);
        var source = await MediaFacts.ReadAsync(clip);

        var job = await fixture.Cluster.SubmitAsync(clip, scale);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(4));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(source.VideoFrames, done.Progress.FramesTotal);
        Assert.Equal(source.VideoFrames, done.Progress.FramesDone);

        using var outputDir = new TempDirectory();
        var output = outputDir.Combine("out" + Path.GetExtension(done.OutputKey));
        await using (var stream = await fixture.Cluster.Store.OpenReadAsync(done.OutputKey!, CancellationToken.None))
        await using (var file = File.Create(output))
        {
            await stream!.CopyToAsync(file);
        }

        var facts = await MediaFacts.ReadAsync(output);
        Assert.Equal(64 * scale, facts.Width);
        Assert.Equal(48 * scale, facts.Height);
        Assert.Equal(source.VideoFrames, facts.VideoFrames);
        Assert.Equal(1, facts.AudioStreams);
        Assert.InRange(facts.VideoDuration, source.VideoDuration - 0.04, source.VideoDuration + 0.04);

        // The ledger shows the work spread over both silos.
        Assert.True(done.Chunks.Count >= 4, $"expected several chunks, got {done.Chunks.Count}");
        Assert.All(done.Chunks, c => Assert.Equal(ChunkStatus.Done, c.Status));
        Assert.Equal(source.VideoFrames, done.Chunks.Sum(c => c.FrameCount));
        var silos = fixture.Cluster.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToHashSet();
        Assert.Equal(silos, done.Chunks.Select(c => c.Silo!).ToHashSet());

        // Nothing is left behind: no scratch files, no chunk objects; only the source and the output stay stored.
        await fixture.Cluster.WaitForNoScratchFilesAsync(TimeSpan.FromSeconds(10));
        Assert.False(await fixture.Cluster.Store.ExistsAsync(done.Chunks[0].OutputKey!, CancellationToken.None));
    }

    [Fact]
    public async Task A_source_that_is_not_a_video_fails_with_a_reason()
    {
        var text = fixture.Clips.Combine("notes.mp4");
        await File.WriteAllTextAsync(text, "this is not a video, only text pretending to be one");

        var job = await fixture.Cluster.SubmitAsync(text, 2);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(1));

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("not a decodable video", done.Error);
        Assert.Null(done.OutputKey);
    }

    [Fact]
    public async Task Submitting_the_same_job_twice_returns_the_first_job()
    {
        var clip = await MediaFacts.MakeClipAsync(fixture.Clips.Combine("twice.mp4"), 64, 48, seconds: 1);
        var job = await fixture.Cluster.SubmitAsync(clip, 2);
        var first = await job.GetSnapshot();

        var again = await job.Submit(new JobRequest("jobs/other/source.mp4", "other.mp4", 4, "realesr-animevideov3"));

        Assert.Equal(first.Request, again.Request);
        Assert.Equal(2, again.Request!.Scale);
        await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task An_unknown_job_reports_no_status()
    {
        var snapshot = await fixture.Cluster.Cluster.Client.GetGrain<IJobGrain>(Guid.NewGuid()).GetSnapshot();

        Assert.Equal(JobStatus.None, snapshot.Status);
        Assert.Empty(snapshot.Chunks);
    }

    [Fact]
    public async Task Each_snapshot_of_a_job_has_a_later_revision_than_the_one_before()
    {
        var job = fixture.Cluster.Cluster.Client.GetGrain<IJobGrain>(Guid.NewGuid());

        var revisions = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            revisions.Add((await job.GetSnapshot()).Revision);
        }

        Assert.True(revisions[0] > DateTime.UtcNow.AddHours(-1).Ticks, $"revision {revisions[0]} is not a recent time");
        Assert.Equal(revisions.Distinct().Order(), revisions);
    }
}
