using Vsr.Engine.Inference;

namespace Vsr.Engine.Tests.Inference;

public sealed class InferenceOptionsTests
{
    [Fact]
    public void By_default_the_cpu_devices_of_a_machine_share_its_logical_processors()
    {
        var options = new InferenceOptions();

        Assert.Equal(Environment.ProcessorCount, options.CpuThreads);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), options.ForCpuDevices(2).CpuThreads);
        Assert.Equal(1, options.ForCpuDevices(Environment.ProcessorCount * 4).CpuThreads);
        Assert.Equal(1, options.CpuDevicesOnMachine); // the copy, not the original, was changed
    }

    [Fact]
    public void A_configured_thread_count_wins()
    {
        var options = new InferenceOptions { IntraOpThreads = 3 }.ForCpuDevices(8);

        Assert.Equal(3, options.CpuThreads);
    }

    [Fact]
    public void A_cpu_device_tiles_at_TileSize_and_a_gpu_device_at_GpuTileSize()
    {
        var options = new InferenceOptions { TileSize = 192, GpuTileSize = 512 };

        Assert.Equal(192, options.TileSizeFor(ExecutionProviderKind.Cpu));
        Assert.Equal(512, options.TileSizeFor(ExecutionProviderKind.Cuda));
        Assert.Equal(512, options.TileSizeFor(ExecutionProviderKind.TensorRt));
        Assert.Equal(256, new InferenceOptions().TileSizeFor(ExecutionProviderKind.Cpu)); // the CPU default is unchanged
    }

    [Theory]
    [InlineData(CudnnConvAlgoSearch.Exhaustive, "EXHAUSTIVE")]
    [InlineData(CudnnConvAlgoSearch.Heuristic, "HEURISTIC")]
    [InlineData(CudnnConvAlgoSearch.Default, "DEFAULT")]
    public void The_cuda_provider_gets_the_device_index_and_the_convolution_search_in_onnx_runtimes_words(CudnnConvAlgoSearch search, string expected)
    {
        var options = InferenceDevice.CudaProviderOptions(DeviceId.Parse("cuda:3"), new InferenceOptions { CudnnConvAlgoSearch = search });

        Assert.Equal("3", options["device_id"]);
        Assert.Equal(expected, options["cudnn_conv_algo_search"]);
    }
}
