using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

// No node has a GPU numbered 61 to 63, so those devices take the real fallback to the CPU here (where the CUDA provider
// lacks its CUDA libraries) and on a GPU node alike (where the probe session fails on the device number).
public sealed class ExecutionProviderProbeTests
{
    [Fact]
    public void The_probe_session_runs_on_the_cpu_provider()
    {
        Assert.Null(ExecutionProviderProbe.Probe(DeviceId.Parse("cpu:0"), new InferenceOptions(), ExecutionProviderKind.Cpu));
    }

    [Fact]
    public void A_cuda_device_whose_provider_cannot_run_the_probe_gets_onnx_runtimes_reason()
    {
        var reason = ExecutionProviderProbe.Probe(DeviceId.Parse("cuda:63"), new InferenceOptions(), ExecutionProviderKind.Cuda);

        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Fact]
    public void A_cuda_device_that_cannot_run_on_cuda_falls_back_to_the_cpu_and_logs_why()
    {
        var logs = new RecordingLoggerFactory();

        var choice = ExecutionProviderProbe.Choose(DeviceId.Parse("cuda:63"), new InferenceOptions(), logs.CreateLogger("probe"));

        Assert.Equal(ExecutionProviderKind.Cpu, choice.Provider);
        var skipped = Assert.Single(choice.Skipped);
        Assert.Equal((ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu), (skipped.Provider, skipped.Next));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("cuda:63") && entry.Message.Contains(skipped.Reason));
    }

    [Fact]
    public void With_RequireGpu_a_cuda_device_that_would_run_on_the_cpu_is_refused_with_the_device_and_the_reason()
    {
        var options = new InferenceOptions { RequireGpu = true };

        var refused = Assert.Throws<GpuRequiredException>(() => ExecutionProviderProbe.Choose(DeviceId.Parse("cuda:63"), options, NullLogger.Instance));

        Assert.Equal(DeviceId.Parse("cuda:63"), refused.Device);
        Assert.Contains("Vsr:Inference:RequireGpu", refused.Message);
        Assert.Contains("cuda:63", refused.Message);
        Assert.Contains(Assert.Single(refused.Choice.Skipped).Reason, refused.Message);
    }

    [Fact]
    public void With_RequireGpu_a_tensorrt_device_that_would_run_on_the_cpu_is_refused_too()
    {
        var options = new InferenceOptions { RequireGpu = true };

        var refused = Assert.Throws<GpuRequiredException>(() => ExecutionProviderProbe.Choose(DeviceId.Parse("tensorrt:63"), options, NullLogger.Instance));

        Assert.Contains("tensorrt:63", refused.Message);
        Assert.Equal(2, refused.Choice.Skipped.Count);
    }

    [Fact]
    public void RequireGpu_leaves_cpu_devices_alone()
    {
        var choice = ExecutionProviderProbe.Choose(DeviceId.Parse("cpu:0"), new InferenceOptions { RequireGpu = true }, NullLogger.Instance);

        Assert.Equal(ExecutionProviderKind.Cpu, choice.Provider);
        Assert.Empty(choice.Skipped);
    }

    [Fact]
    public void A_device_given_its_provider_does_not_probe_again()
    {
        var logs = new RecordingLoggerFactory();
        var known = new ProviderChoice(ExecutionProviderKind.Cpu, [new SkippedProvider(ExecutionProviderKind.Cuda, "probed at start-up", ExecutionProviderKind.Cpu)]);
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory });

        using var device = new InferenceDevice(DeviceId.Parse("cuda:63"), catalog, new InferenceOptions(), logs, known);

        Assert.Equal("CPU", device.ExecutionProvider);
        Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains("not usable"));
    }
}
