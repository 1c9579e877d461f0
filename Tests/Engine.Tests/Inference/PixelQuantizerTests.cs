using Vsr.Engine.Inference;

namespace Vsr.Engine.Tests.Inference;

public sealed class PixelQuantizerTests
{
    [Fact]
    public void Exact_levels_map_to_themselves()
    {
        for (var level = 0; level <= 255; level++)
        {
            Assert.Equal(level, PixelQuantizer.ToByte(level / 255f));
        }
    }

    [Theory]
    [InlineData(2.5f, 3)]
    [InlineData(3.5f, 4)]
    [InlineData(0.5f, 1)]
    [InlineData(254.5f, 255)]
    public void A_value_exactly_half_way_between_levels_rounds_up_not_to_even(float scaled, int expected)
    {
        var value = scaled / 255f;
        Assert.Equal(scaled, value * 255f); // precondition: the half-way point is representable after scaling

        Assert.Equal(expected, PixelQuantizer.ToByte(value));
        Assert.Equal(expected - 1, PixelQuantizer.ToByte((scaled - 0.001f) / 255f));
    }

    [Theory]
    [InlineData(-0.001f)]
    [InlineData(-1f)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.NaN)]
    public void Negative_and_undefined_values_become_zero(float value) => Assert.Equal(0, PixelQuantizer.ToByte(value));

    [Theory]
    [InlineData(1f)]
    [InlineData(1.002f)]
    [InlineData(7.5f)]
    [InlineData(float.PositiveInfinity)]
    public void Values_at_or_above_one_become_255(float value) => Assert.Equal(255, PixelQuantizer.ToByte(value));
}
