using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Inference;

namespace Vsr.Cluster.Tests.Inference;

public sealed class SourceProbeCacheTests
{
    [Fact]
    public async Task A_probe_that_failed_after_its_caller_left_is_not_the_answer_for_the_next_chunk()
    {
        var cache = new SourceProbeCache();
        using var clips = new TempDirectory();
        var path = clips.Combine("source.mp4");
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        // The first chunk's caller is already cancelled when its probe fails (the file is not there yet).
        await Assert.ThrowsAnyAsync<Exception>(() => cache.GetAsync("jobs/a/source.mp4", path, gone.Token));
        await MediaFacts.MakeClipAsync(path, 64, 48, seconds: 1);

        var video = await cache.GetAsync("jobs/a/source.mp4", path, CancellationToken.None);

        Assert.Equal((64, 48), (video.Width, video.Height));
    }
}
