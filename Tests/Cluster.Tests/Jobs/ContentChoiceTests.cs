using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>The <c>content</c>, <c>denoise</c> and <c>deblock</c> options choose the models a job runs.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ContentChoiceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Auto_sends_flat_paint_to_the_anime_model_and_grainy_footage_to_ours()
    {
        // Uniform paint (flat share 1) is past the default threshold; the moving test pattern under grain is far below it.
        var graphics = await MediaFacts.MakeClipAsync(fixture.Clips.Combine("auto-graphics.mp4"), 64, 48, seconds: 1, pattern: "color=c=0x3050a0");
        var footage = await MediaFacts.MakeClipAsync(fixture.Clips.Combine("auto-footage.mp4"), 64, 48, seconds: 1, grain: true);

        var graphicsJob = await fixture.Cluster.SubmitAsync(graphics, 2, model: null);
        var footageJob = await fixture.Cluster.SubmitAsync(footage, 2, model: null);
        var graphicsDone = await VsrTestCluster.WaitForEndAsync(graphicsJob, TimeSpan.FromMinutes(3));
        var footageDone = await VsrTestCluster.WaitForEndAsync(footageJob, TimeSpan.FromMinutes(3));

        Assert.True(graphicsDone.Status == JobStatus.Completed, graphicsDone.Error);
        Assert.True(footageDone.Status == JobStatus.Completed, footageDone.Error);
        Assert.Equal(("realesr-animevideov3", JobContent.Animation), (graphicsDone.Choice!.Model, graphicsDone.Choice.Content));
        Assert.Equal(("real-x2", JobContent.Live), (footageDone.Choice!.Model, footageDone.Choice.Content));
        Assert.True(graphicsDone.Choice.FlatFraction > footageDone.Choice.FlatFraction);
        Assert.Contains("flat share", footageDone.Choice.Reason);
        Assert.Empty(footageDone.Choice.Restorers);
    }

    [Fact]
    public async Task Live_with_denoise_runs_the_denoiser_then_our_upscaler_and_keeps_every_frame()
    {
        var clip = await MediaFacts.MakeClipAsync(fixture.Clips.Combine("live-denoise.mp4"), 64, 48, seconds: 1, grain: true);
        var source = await MediaFacts.ReadAsync(clip);

        var job = await fixture.Cluster.SubmitAsync(clip, 4, model: null, content: JobContent.Live, denoise: true);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(3));

        Assert.True(done.Status == JobStatus.Completed, done.Error);
        Assert.Equal("real-x4", done.Choice!.Model);
        Assert.Equal(["denoise-x1"], done.Choice.Restorers);
        var output = await fixture.Cluster.DownloadAsync(done.OutputKey!);
        var facts = await MediaFacts.ReadAsync(output);
        Assert.Equal((256, 192, source.VideoFrames), (facts.Width, facts.Height, facts.VideoFrames));
    }

    [Fact]
    public async Task A_named_model_wins_over_the_content_option_and_deblock_runs_before_denoise()
    {
        var clip = await MediaFacts.MakeClipAsync(fixture.Clips.Combine("named.mp4"), 64, 48, seconds: 1, grain: true);

        var job = await fixture.Cluster.SubmitAsync(clip, 2, model: "realesr-animevideov3", content: JobContent.Live, denoise: true, deblock: true);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(3));

        Assert.True(done.Status == JobStatus.Completed, done.Error);
        Assert.Equal(("realesr-animevideov3", "named in the request"), (done.Choice!.Model, done.Choice.Reason));
        Assert.Equal(["deblock-x1", "denoise-x1"], done.Choice.Restorers);
    }
}
