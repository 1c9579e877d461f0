namespace Vsr.DeviceCheck.Tests;

public sealed class FrameSetTests
{
    [Fact]
    public void Synthetic_frames_are_the_same_bytes_every_time()
    {
        var first = FrameSet.Synthetic(40, 30, 2);
        var second = FrameSet.Synthetic(40, 30, 2);

        Assert.Equal(2, first.Frames.Count);
        Assert.Equal(first.Frames, second.Frames);
        Assert.NotEqual(first.Frames[0], first.Frames[1]);
    }

    [Fact]
    public void A_raw_file_that_is_not_whole_frames_is_refused()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[(4 * 2 * 3 * 2) + 1]);

            Assert.Throws<InvalidDataException>(() => FrameSet.Load(path, 4, 2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_median_of_the_timed_passes_ignores_one_slow_pass()
    {
        Assert.Equal(2, NodeCheck.Median([2, 1, 90]));
        Assert.Equal(2.5, NodeCheck.Median([4, 1, 2, 3]));
    }
}
