using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Variants;
using Xunit.Abstractions;

namespace Vsr.Engine.Tests.Variants;

public sealed class ModelVariantsTests(ITestOutputHelper output)
{
    private const int Size = 32;

    private static readonly Lazy<byte[]> Fp32 = new(() => File.ReadAllBytes(
        new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory }).GetOnnxPath(ModelCatalog.DefaultModel, 2)));

    // Not one of the calibration frames: the quantized model must hold up on frames it never saw.
    private static readonly float[] Frame = Planes(CalibrationFrames.Synthetic(count: 1, size: Size, seed: 42).Frames[0]);

    [Fact]
    public void The_int8_variant_runs_in_onnx_runtime_with_the_fp32_shape_and_stays_close_to_the_fp32_output()
    {
        var int8 = ModelVariants.Build(Fp32.Value, InferencePrecision.Int8);

        var (expected, _) = Run(Fp32.Value);
        var (actual, shape) = Run(int8);

        var psnr = Psnr(expected, actual);
        output.WriteLine($"int8 vs fp32: {psnr:F2} dB");
        Assert.Equal([1L, 3, Size * 2, Size * 2], shape);
        Assert.True(psnr >= 30, $"int8 output is {psnr:F2} dB from the fp32 output");
    }

    [Fact]
    public void The_int8_variant_feeds_every_plain_convolution_through_dequantize_pairs_with_per_channel_int8_weights_and_int32_biases()
    {
        var fp32 = OnnxModelReader.Read(Fp32.Value);
        var model = OnnxModelReader.Read(ModelVariants.Build(Fp32.Value, InferencePrecision.Int8));

        var producers = model.Graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var constants = model.Graph.Initializers.ToDictionary(t => t.Name);
        var convolutions = model.Graph.Nodes.Where(n => n.OpType == "Conv").ToArray();
        var plain = convolutions.Where(n => !n.Attributes.Any(a => a.Name == "group" && a.Int != 1)).ToArray();
        Assert.Equal(fp32.Graph.Nodes.Count(n => n.OpType == "Conv"), convolutions.Length);
        Assert.Equal(18, plain.Length);
        foreach (var conv in plain)
        {
            var (input, weight, bias) = (producers[conv.Inputs[0]], producers[conv.Inputs[1]], producers[conv.Inputs[2]]);
            Assert.Equal(["DequantizeLinear", "DequantizeLinear", "DequantizeLinear"], new[] { input.OpType, weight.OpType, bias.OpType });
            Assert.Equal("QuantizeLinear", producers[input.Inputs[0]].OpType);
            Assert.Equal(OnnxDataType.Uint8, constants[input.Inputs[2]].DataType);
            Assert.Equal(OnnxDataType.Int8, constants[weight.Inputs[0]].DataType);
            Assert.Equal(0, weight.Attributes.Single(a => a.Name == "axis").Int);
            Assert.Equal(constants[weight.Inputs[0]].Dims[0], constants[weight.Inputs[1]].ElementCount);
            Assert.Equal(OnnxDataType.Int32, constants[bias.Inputs[0]].DataType);
            Assert.Contains(model.Graph.Nodes, n => n.OpType == "QuantizeLinear" && n.Inputs[0] == conv.Outputs[0]);
        }

        Assert.DoesNotContain(model.Graph.Initializers, t => t.DataType == OnnxDataType.Float && t.Dims.Length == 4 && plain.Any(c => c.Inputs[1] == t.Name));
    }

    [Fact]
    public void The_fp16_variant_keeps_an_fp32_interface_with_casts_and_stores_its_weights_as_float16()
    {
        var model = OnnxModelReader.Read(ModelVariants.Build(Fp32.Value, InferencePrecision.Fp16));

        Assert.Equal(OnnxDataType.Float, Assert.Single(model.Inputs).ElementType);
        Assert.Equal(OnnxDataType.Float, Assert.Single(model.Outputs).ElementType);
        var first = model.Graph.Nodes[0];
        var last = model.Graph.Nodes[^1];
        Assert.Equal(("Cast", "input", (long)OnnxDataType.Float16), (first.OpType, first.Inputs[0], first.Attributes.Single(a => a.Name == "to").Int));
        Assert.Equal(("Cast", "output", (long)OnnxDataType.Float), (last.OpType, last.Outputs[0], last.Attributes.Single(a => a.Name == "to").Int));
        Assert.DoesNotContain(model.Graph.Nodes.Skip(1), n => n.Inputs.Contains("input"));
        var resizeInputs = model.Graph.Nodes.Where(n => n.OpType == "Resize").SelectMany(n => n.Inputs.Skip(1)).ToHashSet();
        Assert.All(model.Graph.Initializers.Where(t => t.DataType != OnnxDataType.Int64), t =>
            Assert.Equal(resizeInputs.Contains(t.Name) ? OnnxDataType.Float : OnnxDataType.Float16, t.DataType));
    }

    [Fact]
    public void The_fp16_variant_runs_on_the_cpu_provider_within_half_precision_of_the_fp32_output()
    {
        var (expected, _) = Run(Fp32.Value);
        var (actual, shape) = Run(ModelVariants.Build(Fp32.Value, InferencePrecision.Fp16));

        var psnr = Psnr(expected, actual);
        output.WriteLine($"fp16 vs fp32: {psnr:F2} dB");
        Assert.Equal([1L, 3, Size * 2, Size * 2], shape);
        Assert.True(psnr >= 50, $"fp16 output is {psnr:F2} dB from the fp32 output");
    }

    [Fact]
    public void Equalizing_channels_between_convolutions_leaves_the_fp32_output_unchanged()
    {
        var model = OnnxModelReader.Read(Fp32.Value);
        var pairs = CrossLayerEqualization.Pairs(model);
        var peaks = pairs.ToDictionary(p => p.First.Outputs[0], p => Enumerable.Range(0, 64).Select(c => 1f + (c % 7)).ToArray());

        var (expected, _) = Run(Fp32.Value);
        var (actual, _) = Run(CrossLayerEqualization.Apply(model, peaks, 0.75).Encode());

        Assert.Equal(17, pairs.Count);
        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() < 1e-4);
    }

    [Fact]
    public void The_fp32_precision_is_the_model_itself() =>
        Assert.Same(Fp32.Value, ModelVariants.Build(Fp32.Value, InferencePrecision.Fp32));

    internal static double Psnr(float[] expected, float[] actual)
    {
        var squared = expected.Zip(actual, (e, a) => Math.Pow(PixelQuantizer.ToByte(e) - PixelQuantizer.ToByte(a), 2)).Average();
        return squared == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / squared);
    }

    private static (float[] Output, long[] Shape) Run(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(Frame, [1, 3, Size, Size]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [value], ["output"]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape);
    }

    private static float[] Planes(byte[] rgb)
    {
        var planes = new float[rgb.Length];
        OnnxFrameEnhancer.Unpack(rgb, Size, new System.Drawing.Rectangle(0, 0, Size, Size), planes);
        return planes;
    }
}
