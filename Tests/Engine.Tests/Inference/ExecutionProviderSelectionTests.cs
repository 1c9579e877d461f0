using Vsr.Engine.Inference;

namespace Vsr.Engine.Tests.Inference;

public sealed class ExecutionProviderSelectionTests
{
    private const ExecutionProviderKind Cpu = ExecutionProviderKind.Cpu;
    private const ExecutionProviderKind Cuda = ExecutionProviderKind.Cuda;
    private const ExecutionProviderKind TensorRt = ExecutionProviderKind.TensorRt;

    [Theory]
    [InlineData(TensorRt, true, true, TensorRt)]
    [InlineData(TensorRt, false, true, Cuda)]
    [InlineData(TensorRt, false, false, Cpu)]
    [InlineData(TensorRt, true, false, Cpu)] // TensorRT hands unsupported nodes to CUDA, so it needs both
    [InlineData(Cuda, true, true, Cuda)]
    [InlineData(Cuda, true, false, Cpu)]
    [InlineData(Cpu, true, true, Cpu)]
    public void The_requested_provider_runs_when_it_loads_and_otherwise_the_next_one_down(
        ExecutionProviderKind requested, bool tensorRtLoads, bool cudaLoads, ExecutionProviderKind expected)
    {
        var choice = ExecutionProviderSelection.Choose(requested, p => p switch
        {
            TensorRt => tensorRtLoads ? null : "libnvinfer.so.10: cannot open shared object file",
            Cuda => cudaLoads ? null : "libcudart.so.12: cannot open shared object file",
            _ => throw new InvalidOperationException("the CPU provider is never probed"),
        });

        Assert.Equal(expected, choice.Provider);
    }

    [Fact]
    public void TensorRt_without_cuda_is_skipped_with_cudas_reason()
    {
        var choice = ExecutionProviderSelection.Choose(TensorRt, p => p == Cuda ? "no CUDA" : null);

        Assert.Equal([new SkippedProvider(TensorRt, "no CUDA", Cuda), new SkippedProvider(Cuda, "no CUDA", Cpu)], choice.Skipped);
    }

    [Fact]
    public void Each_skipped_provider_carries_its_reason_and_the_provider_tried_next()
    {
        var probed = new List<ExecutionProviderKind>();

        var choice = ExecutionProviderSelection.Choose(TensorRt, p =>
        {
            probed.Add(p);
            return $"{p} missing";
        });

        Assert.Equal([TensorRt, Cuda], probed);
        Assert.Equal(
            [new SkippedProvider(TensorRt, "TensorRt missing", Cuda), new SkippedProvider(Cuda, "Cuda missing", Cpu)],
            choice.Skipped);
    }

    [Fact]
    public void A_cpu_device_probes_nothing_and_skips_nothing()
    {
        var choice = ExecutionProviderSelection.Choose(Cpu, _ => throw new InvalidOperationException("probed"));

        Assert.Equal(Cpu, choice.Provider);
        Assert.Empty(choice.Skipped);
    }

    [Theory]
    [InlineData("cpu:0", Cpu)]
    [InlineData("cuda:1", Cuda)]
    [InlineData("TensorRT:0", TensorRt)]
    public void A_device_id_names_the_provider_it_asks_for(string text, ExecutionProviderKind provider) =>
        Assert.Equal(provider, DeviceId.Parse(text).Provider);

    [Fact]
    public void An_unknown_device_kind_is_refused() =>
        Assert.Contains("tensorrt:N", Assert.Throws<FormatException>(() => DeviceId.Parse("rocm:0")).Message);
}
