using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

public sealed class EngineCacheLockTests : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(10);
    // Generous: every wait on it is for something that should happen, so a passing wait ends at once.
    private static readonly TimeSpan Prompt = TimeSpan.FromMinutes(1);
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });

    private readonly string _directory = Directory.CreateTempSubdirectory("vsr-engines-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_second_builder_of_one_engine_cache_gets_the_lock_only_once_the_first_lets_go_and_says_once_that_it_waits()
    {
        var logs = new RecordingLoggerFactory();
        var engines = Path.Combine(_directory, "engines");
        var first = EngineCacheLock.Acquire(engines, "tensorrt:0", NullLogger.Instance);
        Assert.True(first.IsHeld);

        var second = OwnThread.Start(() => EngineCacheLock.Acquire(engines, "tensorrt:1", logs.CreateLogger("test"), Retry, Timeout()));
        Assert.True(await Waits(logs));
        Assert.False(second.Task.IsCompleted);
        first.Dispose();
        using var held = await second.Task;

        Assert.True(held.IsHeld);
        var waited = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Information, waited.Level);
        Assert.Contains("tensorrt:1", waited.Message);
    }

    [Fact]
    public void Builders_of_different_engine_caches_do_not_wait_for_each_other()
    {
        var logs = new RecordingLoggerFactory();
        using var first = EngineCacheLock.Acquire(Path.Combine(_directory, "a"), "tensorrt:0", logs.CreateLogger("test"));

        using var second = EngineCacheLock.Acquire(Path.Combine(_directory, "b"), "tensorrt:1", logs.CreateLogger("test"), Retry, Timeout());

        Assert.True(first.IsHeld && second.IsHeld);
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public async Task The_lock_excludes_a_builder_in_another_process_both_ways()
    {
        var logs = new RecordingLoggerFactory();
        var engines = Path.Combine(_directory, "engines");
        var lockFile = Path.Combine(engines, EngineCacheLock.FileName);
        using (var held = EngineCacheLock.Acquire(engines, "tensorrt:0", NullLogger.Instance))
        {
            Assert.Equal(1, await Flock("-n", lockFile, "true"));
        }

        Assert.Equal(0, await Flock("-n", lockFile, "true"));

        // flock(1) holds the file until its child's stdin closes.
        using var other = Process.Start(new ProcessStartInfo("flock", [lockFile, "sh", "-c", "echo held; cat"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        Assert.Equal("held", await other.StandardOutput.ReadLineAsync());
        var ours = OwnThread.Start(() => EngineCacheLock.Acquire(engines, "tensorrt:0", logs.CreateLogger("test"), Retry, Timeout()));
        Assert.True(await Waits(logs));
        Assert.False(ours.Task.IsCompleted);
        other.StandardInput.Close();
        using var acquired = await ours.Task.WaitAsync(Prompt);

        Assert.True(acquired.IsHeld);
    }

    [Fact]
    public async Task Waiting_for_the_lock_ends_when_cancelled()
    {
        var engines = Path.Combine(_directory, "engines");
        var logs = new RecordingLoggerFactory();
        using var first = EngineCacheLock.Acquire(engines, "tensorrt:0", NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var waiting = OwnThread.Start(() => EngineCacheLock.Acquire(engines, "tensorrt:1", logs.CreateLogger("test"), Retry, stop.Token));
        Assert.True(await Waits(logs));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Task.WaitAsync(Prompt));
    }

    [Fact]
    public void An_engine_cache_that_cannot_be_created_is_built_without_the_lock_and_says_so()
    {
        var logs = new RecordingLoggerFactory();
        var blocker = Path.Combine(_directory, "a-file");
        File.WriteAllBytes(blocker, [0]);

        using var unlocked = EngineCacheLock.Acquire(Path.Combine(blocker, "engines"), "tensorrt:0", logs.CreateLogger("test"), Retry, Timeout());

        Assert.False(unlocked.IsHeld);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("building without the lock"));
    }

    [Fact]
    public async Task A_tensorrt_device_does_not_create_its_session_while_another_builder_holds_its_engine_cache()
    {
        var logs = new RecordingLoggerFactory();
        var (device, engines) = TensorRtDevice(logs);
        using var _ = device;
        var other = EngineCacheLock.Acquire(engines, "tensorrt:1", NullLogger.Instance);

        // Without TensorRT on the machine the session then fails to open; with it, it builds. Either way, only afterwards.
        var opening = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(await Waits(logs));
        Assert.False(opening.Task.IsCompleted);
        other.Dispose();
        await Task.WhenAny(opening.Task, Task.Delay(TimeSpan.FromMinutes(5)));

        Assert.True(opening.Task.IsCompleted);
    }

    [Fact]
    public async Task A_tensorrt_device_waiting_for_another_builder_of_its_engine_cache_stops_when_its_caller_cancels()
    {
        var logs = new RecordingLoggerFactory();
        var (device, engines) = TensorRtDevice(logs);
        using var _ = device;
        using var other = EngineCacheLock.Acquire(engines, "tensorrt:1", NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var opening = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2, stop.Token));
        Assert.True(await Waits(logs));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => opening.Task.WaitAsync(Prompt));
    }

    [Fact]
    public async Task Disposing_a_tensorrt_device_does_not_wait_for_another_builder_of_its_engine_cache()
    {
        var logs = new RecordingLoggerFactory();
        var (device, engines) = TensorRtDevice(logs);
        var other = EngineCacheLock.Acquire(engines, "tensorrt:1", NullLogger.Instance);
        var opening = OwnThread.Start(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        Assert.True(await Waits(logs));
        Assert.False(opening.Task.IsCompleted);

        var disposing = OwnThread.Start(device.Dispose).Task;
        var disposedAtOnce = await Task.WhenAny(disposing, Task.Delay(Prompt)) == disposing;
        other.Dispose();
        await Task.WhenAny(opening.Task, Task.Delay(TimeSpan.FromMinutes(5)));

        Assert.True(disposedAtOnce);
        // Without TensorRT on the machine the session fails to open; with it, it opens and is dropped, as the device is gone.
        Assert.True(opening.Task.IsFaulted);
        Assert.Throws<ObjectDisposedException>(() => device.GetEnhancer(ModelCatalog.DefaultModel, 2));
    }

    [Fact]
    public void A_tensorrt_session_runs_each_input_shape_it_has_not_run_before_under_the_engine_cache_lock_and_a_seen_one_without()
    {
        var engines = Directory.CreateDirectory(Path.Combine(_directory, "engines")).FullName;
        var taken = 0;
        using var enhancer = Enhancer(token =>
        {
            taken++;
            return EngineCacheLock.Acquire(engines, "tensorrt:0", NullLogger.Instance, token);
        });
        var lockedDuringRun = new List<bool>();
        enhancer.RunObserver = _ => lockedDuringRun.Add(IsLocked(engines));

        enhancer.Enhance([new byte[8 * 6 * 3]], 8, 6, CancellationToken.None);
        enhancer.Enhance([new byte[8 * 6 * 3]], 8, 6, CancellationToken.None);
        enhancer.Enhance([new byte[10 * 6 * 3]], 10, 6, CancellationToken.None);

        Assert.Equal([true, false, true], lockedDuringRun);
        Assert.Equal(2, taken);
        Assert.False(IsLocked(engines));
    }

    [Fact]
    public async Task A_tensorrt_session_runs_a_new_input_shape_only_once_another_builder_lets_go_of_the_engine_cache()
    {
        var logs = new RecordingLoggerFactory();
        var engines = Path.Combine(_directory, "engines");
        using var enhancer = Enhancer(token => EngineCacheLock.Acquire(engines, "tensorrt:0", logs.CreateLogger("test"), Retry, token));
        var runs = 0;
        enhancer.RunObserver = _ => Interlocked.Increment(ref runs);
        var other = EngineCacheLock.Acquire(engines, "tensorrt:1", NullLogger.Instance);

        var enhancing = OwnThread.Start(() => enhancer.Enhance([new byte[8 * 6 * 3]], 8, 6, Timeout()));
        Assert.True(await Waits(logs));
        Assert.False(enhancing.Task.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref runs));
        other.Dispose();
        var output = await enhancing.Task;

        Assert.Equal(16 * 12 * 3, Assert.Single(output).Length);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_tensorrt_session_waiting_for_another_builder_to_run_a_new_input_shape_stops_when_cancelled()
    {
        var logs = new RecordingLoggerFactory();
        var engines = Path.Combine(_directory, "engines");
        using var enhancer = Enhancer(token => EngineCacheLock.Acquire(engines, "tensorrt:0", logs.CreateLogger("test"), token));
        var other = EngineCacheLock.Acquire(engines, "tensorrt:1", NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var enhancing = OwnThread.Start(() => enhancer.Enhance([new byte[8 * 6 * 3]], 8, 6, stop.Token)).Task;
        Assert.True(await Waits(logs));
        stop.Cancel();
        var stoppedAtOnce = await Task.WhenAny(enhancing, Task.Delay(Prompt)) == enhancing;
        // A call that did not stop runs once the other lets go; it must end before its session is disposed.
        other.Dispose();
        await Task.WhenAny(enhancing, Task.Delay(Prompt));

        Assert.True(stoppedAtOnce);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => enhancing);
    }

    [Fact]
    public async Task A_tensorrt_session_disposed_while_it_waits_for_another_builder_does_not_run_once_it_has_the_lock()
    {
        var logs = new RecordingLoggerFactory();
        var engines = Path.Combine(_directory, "engines");
        var enhancer = Enhancer(token => EngineCacheLock.Acquire(engines, "tensorrt:0", logs.CreateLogger("test"), Retry, token));
        var runs = 0;
        enhancer.RunObserver = _ => Interlocked.Increment(ref runs);
        var other = EngineCacheLock.Acquire(engines, "tensorrt:1", NullLogger.Instance);
        var enhancing = OwnThread.Start(() => enhancer.Enhance([new byte[8 * 6 * 3]], 8, 6, Timeout())).Task;
        Assert.True(await Waits(logs));

        var disposing = OwnThread.Start(enhancer.Dispose).Task;
        var disposedAtOnce = await Task.WhenAny(disposing, Task.Delay(Prompt)) == disposing;
        other.Dispose();

        Assert.True(disposedAtOnce);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => enhancing.WaitAsync(Prompt));
        Assert.Equal(0, runs);
        Assert.False(IsLocked(engines));
    }

    // Whole frames, as a GPU device runs them by default: every new frame size is a new input shape.
    private static OnnxFrameEnhancer Enhancer(Func<CancellationToken, IDisposable> engineBuildLock) =>
        new(new InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2, new InferenceOptions { TileSize = 0, IntraOpThreads = 2 },
            engineBuildLock: engineBuildLock);

    // A TensorRT device over the test models, and its engine cache directory for the default model at x2.
    private (InferenceDevice Device, string Engines) TensorRtDevice(ILoggerFactory logs)
    {
        var options = new InferenceOptions { IntraOpThreads = 2, OptimizedCacheDirectory = _directory };
        var key = new VariantKey(VariantKey.HashOf(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), ExecutionProviderKind.TensorRt,
            InferencePrecision.Fp32, options.TileSizeFor(ExecutionProviderKind.TensorRt));
        var device = new InferenceDevice(DeviceId.Parse("tensorrt:0"), Catalog, options, logs,
            new ProviderChoice(ExecutionProviderKind.TensorRt, []));
        return (device, new OptimizedModelCache(_directory).TensorRtEngineDirectory(key));
    }

    // Whether a builder says within a prompt while that it waits for another's engine cache: it found the lock held.
    private static Task<bool> Waits(RecordingLoggerFactory logs) =>
        OwnThread.Until(() => logs.Entries.Any(entry => entry.Message.Contains("waiting for its engines")), Prompt);

    // Another exclusive open of the lock file fails while a holder has it, in this process as in any other.
    private static bool IsLocked(string engines)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(engines, EngineCacheLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            return true;
        }
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token;

    private static async Task<int> Flock(params string[] arguments)
    {
        using var flock = Process.Start("flock", arguments);
        await flock.WaitForExitAsync();
        return flock.ExitCode;
    }
}
