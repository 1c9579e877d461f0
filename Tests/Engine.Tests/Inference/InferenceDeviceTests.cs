using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

public sealed class InferenceDeviceTests
{
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });

    [Fact]
    public void A_cuda_device_without_cuda_falls_back_to_the_cpu_logs_why_and_still_enhances()
    {
        var logs = new RecordingLoggerFactory();
        using var device = new InferenceDevice(DeviceId.Parse("cuda:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, logs);

        var output = device.GetEnhancer(ModelCatalog.DefaultModel, 4).Enhance([new byte[8 * 6 * 3]], 8, 6, CancellationToken.None);

        Assert.Equal("CPU", device.ExecutionProvider);
        Assert.Equal(32 * 24 * 3, Assert.Single(output).Length);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("falling back to the CPU"));
    }

    [Fact]
    public void A_tensorrt_device_without_tensorrt_or_cuda_falls_back_to_the_cpu_logs_each_step_and_still_enhances()
    {
        var logs = new RecordingLoggerFactory();
        using var device = new InferenceDevice(DeviceId.Parse("tensorrt:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, logs);

        var output = device.GetEnhancer(ModelCatalog.DefaultModel, 4).Enhance([new byte[8 * 6 * 3]], 8, 6, CancellationToken.None);

        Assert.Equal("CPU", device.ExecutionProvider);
        Assert.Equal(32 * 24 * 3, Assert.Single(output).Length);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("TensorRT is not usable") && entry.Message.Contains("falling back to the CUDA"));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("CUDA is not usable") && entry.Message.Contains("falling back to the CPU"));
    }

    [Fact]
    public void A_cpu_device_uses_the_cpu_provider_and_keeps_one_enhancer_per_model_and_scale()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions(), NullLoggerFactory.Instance);

        var x4 = device.GetEnhancer(ModelCatalog.DefaultModel, 4);
        var x2 = device.GetEnhancer(ModelCatalog.DefaultModel, 2);

        Assert.Equal("CPU", device.ExecutionProvider);
        Assert.Same(x4, device.GetEnhancer(ModelCatalog.DefaultModel, 4));
        Assert.NotSame(x4, x2);
        Assert.Equal((4, 2), (x4.Scale, x2.Scale));
    }

    [Fact]
    public void An_unknown_model_is_reported_as_unavailable()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions(), NullLoggerFactory.Instance);

        Assert.Throws<ModelUnavailableException>(() => device.GetEnhancer("no-such-model", 4));
    }

    [Fact]
    public void A_disposed_device_refuses_to_hand_out_enhancers()
    {
        var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions(), NullLoggerFactory.Instance);
        device.Dispose();

        Assert.Throws<ObjectDisposedException>(() => device.GetEnhancer(ModelCatalog.DefaultModel, 4));
    }
}
