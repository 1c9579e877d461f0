using Vsr.Engine.Models;
using Vsr.Train.Native;
using Vsr.Train.Network;
using static TorchSharp.torch;

namespace Vsr.Train.Tests;

public sealed class SrvggExportTests
{
    [Fact]
    public void Libtorch_loads_after_the_tool_repairs_its_bridge()
    {
        Assert.StartsWith("libtorch ok", LibTorchCheck.Run(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    public void The_exported_onnx_model_matches_TorchSharp_within_1e5(int scale, int unshuffle)
    {
        LibTorchRepair.Apply();
        random.manual_seed(7);
        // 7 x 9 is odd both ways, so the unshuffled network's edge padding and crop are exercised as well.
        using var model = new CompactUpscaler(new NetworkShape(8, 2, scale, unshuffle));
        // Random slopes, not the 0.25 default, so a PReLU slope mix-up in the export would show.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.Contains("activations", StringComparison.Ordinal))
                {
                    parameter.copy_(rand(parameter.shape) * 0.5);
                }
            }
        }

        const int height = 7;
        const int width = 9;
        var input = Enumerable.Range(0, 3 * height * width).Select(i => (float)((i * 37 % 101) / 100.0)).ToArray();
        float[] expected;
        using (no_grad())
        using (var x = tensor(input, [1, 3, height, width]))
        using (var y = model.forward(x))
        {
            expected = y.data<float>().ToArray();
        }

        var onnx = SrvggOnnxBuilder.Build(model.ToWeights());
        var (actual, shape) = OrtRunner.Run(onnx, input, height, width);

        Assert.Equal([1, 3, height * scale, width * scale], shape);
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"max |TorchSharp - ORT| = {worst}");
    }

    [Fact]
    public void The_builder_refuses_weights_that_do_not_form_a_network()
    {
        var conv = new SrvggConvolution(3, 4, new float[4 * 3 * 9], new float[4]);
        var last = new SrvggConvolution(4, 5, new float[5 * 4 * 9], new float[5]);
        Assert.Throws<ArgumentException>(() => SrvggOnnxBuilder.Build(new SrvggWeights([conv, last], [new float[4]], 2)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void An_interpolation_start_reproduces_smooth_images_like_cubic_interpolation(int scale)
    {
        LibTorchRepair.Apply();
        random.manual_seed(3);
        using var model = new CompactUpscaler(new NetworkShape(32, 8, scale));
        InterpolationStart.Apply(model);

        // A linear ramp: the three-tap cubic weights reproduce it to about a level of 8 bit away from the borders.
        const int size = 12;
        var input = new float[3 * size * size];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    input[(c * size + y) * size + x] = 0.2f + 0.03f * x + 0.02f * y;
                }
            }
        }

        using var noGrad = no_grad();
        using var output = model.forward(tensor(input, [1, 3, size, size]));
        var big = size * scale;
        var values = output.data<float>().ToArray();
        for (var y = 2 * scale; y < big - 2 * scale; y++)
        {
            for (var x = 2 * scale; x < big - 2 * scale; x++)
            {
                var expected = 0.2 + 0.03 * ((x + 0.5) / scale - 0.5) + 0.02 * ((y + 0.5) / scale - 0.5);
                Assert.True(Math.Abs(expected - values[y * big + x]) < 0.005, $"({x},{y}): {values[y * big + x]} vs {expected}");
            }
        }
    }

    [Fact]
    public void An_unshuffled_restorer_starts_as_the_identity_and_its_body_carries_the_input()
    {
        LibTorchRepair.Apply();
        random.manual_seed(5);
        using var model = new CompactUpscaler(new NetworkShape(32, 10, 1, 2));
        InterpolationStart.Apply(model);

        // Odd sizes: the edge padding and the crop must hand back exactly the input.
        const int height = 9;
        const int width = 11;
        var input = Enumerable.Range(0, 3 * height * width).Select(i => (float)((i * 53 % 97) / 96.0)).ToArray();
        using var noGrad = no_grad();
        using var output = model.forward(tensor(input, [1, 3, height, width]));
        Assert.Equal([1, 3, height, width], output.shape);
        var worst = input.Zip(output.data<float>().ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-6, $"max |output - input| = {worst}");

        // The last convolution is zero but the features before it hold the input, so its gradient is not zero.
        var weights = model.ToWeights();
        Assert.All(weights.Convolutions[^1].Weight, w => Assert.Equal(0f, w));
        Assert.Equal(1f, weights.Convolutions[0].Weight[(5 * 12 + 5) * 9 + 4]);
    }
}
