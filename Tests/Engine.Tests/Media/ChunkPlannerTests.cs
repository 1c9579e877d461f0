using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

public sealed class ChunkPlannerTests
{
    [Fact]
    public void Chunks_start_on_keyframes_and_cover_every_frame_once_in_order()
    {
        var video = Video(frameCount: 75, keyframes: EveryNth(12, 75));

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(1));

        Assert.Equal([new ChunkSpan(0, 0, 36), new ChunkSpan(1, 36, 39)], chunks);
        AssertCoversEveryFrameOnKeyframes(video, chunks);
    }

    [Fact]
    public void A_tiny_tail_is_merged_into_the_previous_chunk()
    {
        // Target 25 frames: starts 0, 36, 72; the 3-frame tail at 72 is under half the target.
        var video = Video(frameCount: 75, keyframes: EveryNth(12, 75));

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(1));

        Assert.Equal(75, chunks[^1].StartFrame + chunks[^1].FrameCount);
        Assert.Equal(39, chunks[^1].FrameCount);
    }

    [Fact]
    public void A_tail_of_half_the_target_or_more_stays_a_chunk_of_its_own()
    {
        var video = Video(frameCount: 105, keyframes: EveryNth(10, 105));

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(1));

        Assert.Equal([0, 30, 60, 90], chunks.Select(c => c.StartFrame));
        Assert.Equal(15, chunks[^1].FrameCount);
    }

    [Theory]
    [InlineData(0.04)]
    [InlineData(0.5)]
    [InlineData(1)]
    [InlineData(2.5)]
    [InlineData(7)]
    public void Every_chunk_but_the_last_lasts_at_least_the_target(double targetSeconds)
    {
        var keyframes = new[] { 0, 5, 6, 19, 40, 41, 42, 90, 150, 151, 230, 299 };
        var video = Video(frameCount: 300, keyframes: keyframes);
        var target = TimeSpan.FromSeconds(targetSeconds);

        var chunks = ChunkPlanner.Plan(video, target);

        AssertCoversEveryFrameOnKeyframes(video, chunks);
        Assert.All(chunks.SkipLast(1), c => Assert.True(c.FrameCount / video.FrameRate >= target.TotalSeconds - 1e-9, $"chunk {c} is short"));
    }

    [Fact]
    public void A_video_with_a_single_keyframe_is_one_chunk()
    {
        var video = Video(frameCount: 500, keyframes: [0]);

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(1));

        Assert.Equal([new ChunkSpan(0, 0, 500)], chunks);
    }

    [Fact]
    public void A_target_longer_than_the_video_gives_one_chunk()
    {
        var video = Video(frameCount: 75, keyframes: EveryNth(12, 75));

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromMinutes(10));

        Assert.Equal([new ChunkSpan(0, 0, 75)], chunks);
    }

    [Fact]
    public void The_target_is_measured_on_the_exact_rational_frame_rate()
    {
        // 1 s at 30000/1001 is 29.97 frames, so a chunk needs 30 of them, not 29 (rounding) or 31 (float slop).
        var video = Video(frameCount: 300, keyframes: Enumerable.Range(0, 300).ToArray(), numerator: 30000, denominator: 1001);

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(1));

        Assert.All(chunks, c => Assert.Equal(30, c.FrameCount));
    }

    [Fact]
    public void Unsorted_and_out_of_range_keyframes_are_tolerated()
    {
        var video = Video(frameCount: 100, keyframes: [50, 0, 25, 75, 120, -3, 25]);

        var chunks = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(1));

        Assert.Equal([0, 25, 50, 75], chunks.Select(c => c.StartFrame));
        AssertCoversEveryFrameOnKeyframes(video, chunks);
    }

    [Fact]
    public void A_non_positive_target_is_rejected()
    {
        var video = Video(frameCount: 75, keyframes: [0]);

        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPlanner.Plan(video, TimeSpan.Zero));
    }

    private static void AssertCoversEveryFrameOnKeyframes(VideoInfo video, IReadOnlyList<ChunkSpan> chunks)
    {
        var next = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(i, chunks[i].Index);
            Assert.Equal(next, chunks[i].StartFrame);
            Assert.Contains(chunks[i].StartFrame, video.KeyframeIndices);
            Assert.True(chunks[i].FrameCount > 0);
            next += chunks[i].FrameCount;
        }

        Assert.Equal(video.FrameCount, next);
    }

    private static int[] EveryNth(int interval, int frameCount) =>
        Enumerable.Range(0, frameCount).Where(i => i % interval == 0).ToArray();

    private static VideoInfo Video(int frameCount, int[] keyframes, int numerator = 25, int denominator = 1) =>
        new(64, 48, numerator, denominator, frameCount, TimeSpan.FromSeconds(frameCount * (double)denominator / numerator), "h264", 0, [], keyframes);
}
