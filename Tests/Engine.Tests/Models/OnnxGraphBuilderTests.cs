using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Models;
using Xunit.Abstractions;

namespace Vsr.Engine.Tests.Models;

public sealed class OnnxGraphBuilderTests(ITestOutputHelper output)
{
    private const int Width = 16;
    private const int Height = 12;

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void Converted_model_matches_a_naive_ncnn_forward_pass_within_1e_5(int scale)
    {
        var model = NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath);
        var input = RandomImage(seed: 7);

        var clock = Stopwatch.StartNew();
        var expected = NaiveNcnnForward.Run(model, input);
        if (scale == 2)
        {
            expected = NaiveNcnnForward.BicubicHalf(expected);
        }

        var naiveTime = clock.Elapsed;
        clock.Restart();
        var actual = RunOnnx(OnnxGraphBuilder.Build(model, halveOutput: scale == 2), input, out var shape);

        Assert.Equal([1L, 3, Height * scale, Width * scale], shape);
        Assert.Equal(expected.Data.Length, actual.Length);
        var maxDiff = expected.Data.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"x{scale}: max |naive - onnx| = {maxDiff:E4}, mean output {actual.Average():F4} (naive {naiveTime.TotalMilliseconds:F0} ms, onnx {clock.ElapsedMilliseconds} ms)");
        Assert.True(maxDiff <= 1e-5, $"max diff {maxDiff}");
    }

    [Fact]
    public void Model_declares_opset_17_ir_8_and_the_vsr_producer()
    {
        var bytes = OnnxGraphBuilder.Build(NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath), halveOutput: true);

        using var session = new InferenceSession(bytes);

        Assert.Equal("vsr", session.ModelMetadata.ProducerName);
        Assert.Equal(["input"], session.InputNames);
        Assert.Equal(["output"], session.OutputNames);
        Assert.Equal([-1, 3, -1, -1], session.InputMetadata["input"].Dimensions);
        // ir_version and opset are bytes 0x08 0x08 and the opset_import message (domain "", version 17) at the end.
        Assert.Equal([0x08, 0x08], bytes[..2]);
        Assert.Equal([0x42, 0x04, 0x0A, 0x00, 0x10, 0x11], bytes[^6..]);
    }

    [Fact]
    public void An_unsupported_binary_operation_is_rejected_clearly()
    {
        var param = File.ReadAllText(TestModels.ParamPath).Replace("106 111 output", "106 111 output 0=9");
        var model = NcnnModelReader.Parse(param, File.ReadAllBytes(TestModels.BinPath));

        var error = Assert.Throws<InvalidDataException>(() => OnnxGraphBuilder.Build(model));

        Assert.Contains("BinaryOp operation 0=9", error.Message);
    }

    private static NaiveNcnnForward.Tensor RandomImage(int seed)
    {
        var random = new Random(seed);
        var data = new float[3 * Height * Width];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = random.Next(256) / 255f;
        }

        return new NaiveNcnnForward.Tensor(3, Height, Width, data);
    }

    private static float[] RunOnnx(byte[] onnx, NaiveNcnnForward.Tensor input, out long[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(onnx, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input.Data, [1, 3, input.Height, input.Width]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [value], ["output"]);
        shape = results[0].GetTensorTypeAndShape().Shape;
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
