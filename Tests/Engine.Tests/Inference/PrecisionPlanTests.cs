using Vsr.Engine.Inference;

namespace Vsr.Engine.Tests.Inference;

public sealed class PrecisionPlanTests
{
    [Theory]
    [InlineData(ExecutionProviderKind.Cpu, InferencePrecision.Fp32, InferencePrecision.Fp32)]
    [InlineData(ExecutionProviderKind.Cpu, InferencePrecision.Fp16, InferencePrecision.Fp16)]
    [InlineData(ExecutionProviderKind.Cpu, InferencePrecision.Int8, InferencePrecision.Int8)]
    [InlineData(ExecutionProviderKind.Cuda, InferencePrecision.Fp16, InferencePrecision.Fp16)]
    [InlineData(ExecutionProviderKind.Cuda, InferencePrecision.Int8, InferencePrecision.Fp32)]
    [InlineData(ExecutionProviderKind.TensorRt, InferencePrecision.Fp16, InferencePrecision.Fp32)]
    [InlineData(ExecutionProviderKind.TensorRt, InferencePrecision.Int8, InferencePrecision.Int8)]
    public void Each_provider_loads_the_variant_it_can_use(ExecutionProviderKind provider, InferencePrecision requested, InferencePrecision loaded) =>
        Assert.Equal(loaded, PrecisionPlan.For(provider, requested).ModelPrecision);

    [Fact]
    public void Int8_on_cuda_says_why_it_runs_fp32() =>
        Assert.Contains("runs fp32", PrecisionPlan.For(ExecutionProviderKind.Cuda, InferencePrecision.Int8).Note);

    [Fact]
    public void TensorRt_keeps_an_engine_cache_and_builds_fp16_engines_when_fp16_is_asked_for()
    {
        var options = PrecisionPlan.For(ExecutionProviderKind.TensorRt, InferencePrecision.Fp16).TensorRtOptions(1, "/cache/trt");

        Assert.Equal("1", options["device_id"]);
        Assert.Equal("1", options["trt_engine_cache_enable"]);
        Assert.Equal("/cache/trt", options["trt_engine_cache_path"]);
        Assert.Equal("1", options["trt_fp16_enable"]);
        Assert.Equal("0", options["trt_int8_enable"]);
    }

    [Fact]
    public void TensorRt_at_fp32_sets_neither_reduced_precision_flag()
    {
        var options = PrecisionPlan.For(ExecutionProviderKind.TensorRt, InferencePrecision.Fp32).TensorRtOptions(0, "/cache/trt");

        Assert.Equal(("0", "0"), (options["trt_fp16_enable"], options["trt_int8_enable"]));
    }
}
