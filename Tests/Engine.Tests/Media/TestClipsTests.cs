namespace Vsr.Engine.Tests.Media;

/// <summary>The frame-identity checks elsewhere are only as good as the numbers the clips carry.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class TestClipsTests(TestClips clips)
{
    [Fact]
    public async Task Every_clip_frame_shows_its_own_number()
    {
        foreach (var clip in new[] { clips.Plain, clips.BFrames, clips.Subtitled })
        {
            Assert.Equal(Enumerable.Range(0, TestClips.FrameCount), await MediaInspector.FrameNumbersAsync(clip, TestClips.Width, TestClips.Height));
        }
    }
}
