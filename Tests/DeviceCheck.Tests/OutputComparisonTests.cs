using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck.Tests;

public sealed class OutputComparisonTests
{
    [Fact]
    public void Identical_outputs_have_infinite_psnr_and_no_difference()
    {
        byte[][] frames = [[1, 2, 3], [4, 5, 6]];

        var comparison = OutputComparison.Of(frames, [[1, 2, 3], [4, 5, 6]]);

        Assert.Equal(double.PositiveInfinity, comparison.Psnr);
        Assert.Equal(0, comparison.MaxAbsDifference);
        Assert.Equal(0, comparison.DifferingFraction);
    }

    [Fact]
    public void Psnr_counts_every_value_of_every_frame()
    {
        // One value of 100 is off by 10: MSE = 100 / 100 = 1, so PSNR = 10 log10(255^2) = 48.13 dB.
        var reference = new byte[][] { new byte[50], new byte[50] };
        var actual = new byte[][] { new byte[50], new byte[50] };
        actual[1][7] = 10;

        var comparison = OutputComparison.Of(actual, reference);

        Assert.Equal(10 * Math.Log10(255.0 * 255.0), comparison.Psnr, 6);
        Assert.Equal(10, comparison.MaxAbsDifference);
        Assert.Equal(0.01, comparison.DifferingFraction, 9);
    }

    [Fact]
    public void The_largest_difference_is_absolute_whichever_side_is_brighter()
    {
        var comparison = OutputComparison.Of([[0, 200]], [[3, 190]]);

        Assert.Equal(10, comparison.MaxAbsDifference);
    }

    [Fact]
    public void Sets_of_different_shape_are_refused()
    {
        Assert.Throws<ArgumentException>(() => OutputComparison.Of([[1, 2]], [[1, 2], [3, 4]]));
        Assert.Throws<ArgumentException>(() => OutputComparison.Of([[1, 2]], [[1, 2, 3]]));
        Assert.Throws<ArgumentException>(() => OutputComparison.Of([], []));
    }
}
