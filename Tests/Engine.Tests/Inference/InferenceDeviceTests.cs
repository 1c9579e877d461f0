using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

public sealed class InferenceDeviceTests
{
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });
    // Waits for what should happen: generous, since a wait that succeeds ends at once, and on a fresh clone a first load
    // converts and optimises the model on a loaded machine. Hold bounds how long a held load waits for its release.
    private static readonly TimeSpan Prompt = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

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

    [Fact]
    public async Task Two_first_callers_of_one_model_get_one_enhancer_loaded_once()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, NullLoggerFactory.Instance);
        using var release = new ManualResetEventSlim();
        var loads = 0;
        device.LoadObserver = (_, _) =>
        {
            Interlocked.Increment(ref loads);
            release.Wait(Hold);
        };

        var first = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        var second = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(await OwnThread.Until(() => Volatile.Read(ref loads) > 0, Prompt));
        Assert.True(await first.Blocks(Prompt) && await second.Blocks(Prompt));
        release.Set();

        Assert.Same(await first.Task, await second.Task);
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task A_caller_waiting_for_another_callers_load_stops_when_cancelled()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, NullLoggerFactory.Instance);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var loading = HoldFirstLoad(device, entered, release);
        using var stop = new CancellationTokenSource();
        var waiting = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2, stop.Token));
        Assert.True(await waiting.Blocks(Prompt));
        stop.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Task.WaitAsync(Prompt));
        Assert.False(loading.Task.IsCompleted);
        release.Set();
        Assert.Equal(2, (await loading.Task).Scale);
    }

    [Fact]
    public async Task A_caller_waiting_for_a_load_whose_caller_cancelled_it_loads_the_model_itself()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, NullLoggerFactory.Instance);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var loads = 0;
        device.LoadObserver = (_, _) =>
        {
            if (Interlocked.Increment(ref loads) == 1)
            {
                entered.Set();
                release.Wait(Hold);
                throw new OperationCanceledException();
            }
        };
        var cancelled = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(entered.Wait(Prompt));
        var waiting = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(await waiting.Blocks(Prompt));
        release.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.Task);
        Assert.Equal(2, (await waiting.Task.WaitAsync(Prompt)).Scale);
        Assert.Equal(2, loads);
    }

    [Fact]
    public void A_model_whose_load_failed_is_loaded_again_by_the_next_caller()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, NullLoggerFactory.Instance);
        var loads = 0;
        device.LoadObserver = (_, _) =>
        {
            if (++loads == 1)
            {
                throw new IOException("the disk went away");
            }
        };

        Assert.Throws<IOException>(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.Equal(2, device.GetEnhancer(ModelCatalog.DefaultModel, 2).Scale);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task Disposing_a_device_does_not_wait_for_a_model_loading_and_its_callers_are_told_the_device_is_gone()
    {
        var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2 }, NullLoggerFactory.Instance);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var loading = HoldFirstLoad(device, entered, release);
        var waiting = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(await waiting.Blocks(Prompt));

        await OwnThread.Start(device.Dispose).Task.WaitAsync(Prompt);
        release.Set();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => loading.Task.WaitAsync(Prompt));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.Task.WaitAsync(Prompt));
    }

    /// <summary>Starts a first caller's load of the default model and holds it inside the load until <paramref name="release"/> is set.</summary>
    private static OwnThread<IFrameEnhancer> HoldFirstLoad(InferenceDevice device, ManualResetEventSlim entered, ManualResetEventSlim release)
    {
        device.LoadObserver = (_, _) =>
        {
            entered.Set();
            release.Wait(Hold);
        };
        var loading = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(entered.Wait(Prompt));
        return loading;
    }
}
