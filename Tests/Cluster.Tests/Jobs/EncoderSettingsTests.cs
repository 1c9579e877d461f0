using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Hosting;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>The chunks of one job are encoded alike, whichever silo runs them, even where the silos' settings differ.</summary>
public sealed partial class EncoderSettingsTests
{
    [Fact]
    public async Task Every_chunk_is_encoded_with_the_settings_the_job_settled_on_though_the_silos_are_set_apart()
    {
        // The first silo encodes ultrafast, the second slower, as during a rolling change of Vsr:Jobs:Preset.
        var built = 0;
        await using var cluster = await VsrTestCluster.StartAsync(services: s =>
        {
            var preset = Interlocked.Increment(ref built) == 1 ? "ultrafast" : "slower";
            s.PostConfigure<JobOptions>(o => o.Preset = preset);
        });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 3);

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(4));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(2, done.Chunks.Select(c => c.Silo).Distinct().Count());
        // x264 writes its settings into the first picture of each chunk, and the chunks are joined as they are.
        var output = await File.ReadAllBytesAsync(await cluster.DownloadAsync(done.OutputKey!));
        var subme = SubmeSetting().Matches(Encoding.Latin1.GetString(output)).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(done.Chunks.Count, subme.Count);
        // Before, each chunk took the preset of the silo that ran it.
        Assert.Single(subme.Distinct());
    }

    [GeneratedRegex(@"x264 - core \d+[^\0]*? subme=(\d+)")]
    private static partial Regex SubmeSetting();
}
