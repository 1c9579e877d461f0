using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Models;

namespace Vsr.Engine.Inference;

/// <summary>
/// One device's ONNX Runtime sessions, one per (model, scale), created on first use and kept; the first caller of a
/// model loads it while any other caller of it waits. The provider is the one the device id asks for when a probe
/// session runs on it, else the next one down (TensorRT → CUDA → CPU), with the reason logged
/// (<see cref="ExecutionProviderProbe"/>); a host that probed its devices already passes the choice in.
/// Sessions open the model at the configured precision from the <see cref="OptimizedModelCache"/>; a TensorRT session
/// is created, and runs each input shape it has not run before, under its engine cache's <see cref="EngineCacheLock"/>.
/// </summary>
public sealed class InferenceDevice : IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly InferenceOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<ProviderChoice> _provider;
    private readonly OptimizedModelCache _cache;
    private readonly Dictionary<(string Model, int Scale), Task<Loaded>> _enhancers = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <param name="provider">The provider already chosen for this device; null probes on first use.</param>
    public InferenceDevice(DeviceId id, ModelCatalog catalog, InferenceOptions options, ILoggerFactory loggerFactory, ProviderChoice? provider = null)
    {
        Id = id;
        _catalog = catalog;
        _options = options;
        _logger = loggerFactory.CreateLogger<InferenceDevice>();
        _provider = provider is null
            ? new Lazy<ProviderChoice>(() => ExecutionProviderProbe.Choose(Id, _options, _logger))
            : new Lazy<ProviderChoice>(provider);
        _cache = new OptimizedModelCache(options.OptimizedCacheDirectory.Length > 0
            ? options.OptimizedCacheDirectory
            : Path.Combine(catalog.Options.Directory, "optimized"));
    }

    public DeviceId Id { get; }

    /// <summary>The execution provider actually in use: <c>CPU</c>, <c>CUDA</c> or <c>TensorRT</c>.</summary>
    public string ExecutionProvider => ExecutionProviderSelection.DisplayName(Provider);

    public ExecutionProviderKind Provider => _provider.Value.Provider;

    /// <summary>Sees each load of a model, on the loading thread, before its session is opened (tests).</summary>
    internal Action<string, int>? LoadObserver { get; set; }

    /// <summary>The enhancer for this model and scale on this device. Callers serialise their use of it.</summary>
    /// <param name="cancellationToken">Ends a wait for another builder of the model's TensorRT engines, or for another caller's load of the model.</param>
    /// <exception cref="ModelUnavailableException">The model or scale is unknown, or its weights are missing.</exception>
    public IFrameEnhancer GetEnhancer(string model, int scale, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task<Loaded>? pending;
            TaskCompletionSource<Loaded>? loading = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_enhancers.TryGetValue((model, scale), out pending))
                {
                    loading = new TaskCompletionSource<Loaded>(TaskCreationOptions.RunContinuationsAsynchronously);
                    pending = loading.Task;
                    _enhancers.Add((model, scale), pending);
                }
            }

            if (loading is not null)
            {
                return LoadFor(model, scale, loading, cancellationToken).Front;
            }

            // One caller loads a model while the others wait for its session: two sessions of a large model at once
            // could take more GPU memory than the device has. A load its own caller cancelled is this caller's to retry.
            try
            {
                return pending.WaitAsync(cancellationToken).GetAwaiter().GetResult().Front;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // A session still loading is disposed by its loader, which finds the device disposed (see LoadFor).
            _disposed = true;
            foreach (var loaded in _enhancers.Values.Where(pending => pending.IsCompletedSuccessfully))
            {
                loaded.Result.Session.Dispose();
            }

            _enhancers.Clear();
        }
    }

    // Opened outside the gate: a TensorRT session may wait for another process's engine build, and neither Dispose nor
    // this device's other models wait with it. Published under the gate, or disposed if the device went first; a load
    // that fails is forgotten, so the next caller tries again.
    private Loaded LoadFor(string model, int scale, TaskCompletionSource<Loaded> loading, CancellationToken cancellationToken)
    {
        Loaded loaded;
        try
        {
            LoadObserver?.Invoke(model, scale);
            loaded = Load(model, scale, cancellationToken);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                if (_enhancers.TryGetValue((model, scale), out var current) && current == loading.Task)
                {
                    _enhancers.Remove((model, scale));
                }

                loading.SetException(e);
            }

            // Thrown to this caller; a waiter sees it too, and without one it is not left unobserved.
            _ = loading.Task.Exception;
            throw;
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                loading.SetResult(loaded);
                return loaded;
            }

            loading.SetException(new ObjectDisposedException(GetType().FullName));
            _ = loading.Task.Exception;
        }

        loaded.Session.Dispose();
        throw new ObjectDisposedException(GetType().FullName);
    }

    private Loaded Load(string model, int scale, CancellationToken cancellationToken)
    {
        var (path, session, key) = OpenModel(model, scale, cancellationToken);
        int alignment;
        try
        {
            alignment = ModelCatalog.UnshuffleFactor(model, scale, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        // TensorRT builds the engine of a model with dynamic input dimensions on its first run of each shape, not when
        // the session is created: those runs take the engine cache's lock too.
        var engines = Provider == ExecutionProviderKind.TensorRt ? _cache.TensorRtEngineDirectory(key) : null;
        var enhancer = new OnnxFrameEnhancer(session, scale, _options, _options.TileSizeFor(Provider), uniformTiles: Provider != ExecutionProviderKind.Cpu,
            tileAlignment: alignment,
            engineBuildLock: engines is null ? null : token => EngineCacheLock.Acquire(engines, Id.ToString(), _logger, token), logger: _logger,
            engineCacheDirectory: engines);
        IFrameEnhancer front = _catalog.IsLumaOnly(model) ? new LumaOnlyFrameEnhancer(enhancer) : enhancer;
        _logger.LogInformation("Loaded {Model} x{Scale} on {Device} with the {Provider} provider at {Precision} from {Path}",
            model, scale, Id, ExecutionProvider, key.Precision, path);
        return new Loaded(enhancer, front);
    }

    // A converted model that does not load was likely left damaged by a crash; converted again once, it heals the node
    // instead of failing every job on it. A bundled model has no such cache: its failure is the answer.
    private (string Path, InferenceSession Session, VariantKey Key) OpenModel(string model, int scale, CancellationToken cancellationToken)
    {
        var path = _catalog.GetOnnxPath(model, scale);
        try
        {
            var (session, key) = OpenSession(path, cancellationToken);
            return (path, session, key);
        }
        catch (OnnxRuntimeException e) when (_catalog.IsConverted(model) && IsDamaged(path))
        {
            _logger.LogWarning("{Device}: the converted model {Path} does not load, converting it again: {Reason}", Id, path, e.Message);
            path = _catalog.RebuildOnnx(model, scale);
            var (session, key) = OpenSession(path, cancellationToken);
            return (path, session, key);
        }
    }

    // A variant that cannot be built or does not load costs speed, not the job: the fp32 model runs instead.
    private (InferenceSession Session, VariantKey Key) OpenSession(string path, CancellationToken cancellationToken)
    {
        var hash = VariantKey.HashOf(path);
        var plan = PrecisionPlan.For(Provider, _options.Precision);
        if (plan.Note is not null)
        {
            _logger.LogWarning("{Device}: {Precision} requested on {Provider}: {Note}", Id, _options.Precision, ExecutionProvider, plan.Note);
        }

        if (plan.ModelPrecision != InferencePrecision.Fp32)
        {
            if (OpenVariant(path, hash, plan, cancellationToken) is { } variant)
            {
                bool holds;
                try
                {
                    holds = HoldsUp(path, hash, plan.ModelPrecision);
                }
                catch
                {
                    variant.Dispose();
                    throw;
                }

                if (holds)
                {
                    return (variant, KeyOf(hash, plan));
                }

                variant.Dispose();
            }

            plan = PrecisionPlan.For(Provider, InferencePrecision.Fp32);
        }

        return (Open(path, hash, plan, cancellationToken), KeyOf(hash, plan));
    }

    // A cached variant that does not load is built once more before giving up on it: a crash may have damaged it, and
    // kept, it would mean fp32 for good. A variant that fails fresh from the builder is not built twice.
    private InferenceSession? OpenVariant(string path, string hash, PrecisionPlan plan, CancellationToken cancellationToken)
    {
        var cached = _cache.HasVariant(hash, plan.ModelPrecision);
        var failure = TryOpen(() => Open(_cache.VariantPath(path, hash, plan.ModelPrecision), hash, plan, cancellationToken), out var session);
        if (failure is not null && cached && IsDamaged(_cache.VariantPath(path, hash, plan.ModelPrecision)))
        {
            _logger.LogWarning("{Device}: the cached {Precision} variant of {Path} does not load, building it again: {Reason}",
                Id, plan.ModelPrecision, path, failure.Message);
            failure = TryOpen(() => Open(_cache.VariantPath(path, hash, plan.ModelPrecision, rebuild: true), hash, plan, cancellationToken), out session);
        }

        if (failure is not null)
        {
            _logger.LogWarning("{Device}: the {Precision} variant of {Path} is not usable on {Provider}, running fp32: {Reason}",
                Id, plan.ModelPrecision, path, ExecutionProvider, failure.Message);
        }

        return session;
    }

    /// <summary>
    /// Whether the INT8 variant stays close enough to the fp32 model (<see cref="InferenceOptions.Int8MinPsnrDb"/>); a
    /// quantization that lost the picture must not reach a user's video for the speed it buys. A variant whose fidelity
    /// cannot be measured is not vouched for either. Other variants (fp16) keep fp32's precision where it matters.
    /// </summary>
    private bool HoldsUp(string path, string hash, InferencePrecision precision)
    {
        if (precision != InferencePrecision.Int8)
        {
            return true;
        }

        double psnr;
        try
        {
            psnr = _cache.Fidelity(path, hash, precision);
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidDataException or IOException or UnauthorizedAccessException
            or InvalidOperationException or ArgumentException)
        {
            _logger.LogWarning("{Device}: the fidelity of the {Precision} variant of {Path} could not be measured, running fp32: {Reason}",
                Id, precision, path, e.Message);
            return false;
        }

        if (psnr >= _options.Int8MinPsnrDb)
        {
            _logger.LogInformation("{Device}: the {Precision} variant of {Path} holds {Psnr:F1} dB against fp32", Id, precision, path, psnr);
            return true;
        }

        _logger.LogWarning("{Device}: the {Precision} variant of {Path} holds only {Psnr:F1} dB against the fp32 output, under Vsr:Inference:Int8MinPsnrDb ({Minimum} dB); running fp32",
            Id, precision, path, psnr, _options.Int8MinPsnrDb);
        return false;
    }

    /// <summary>
    /// Whether a cached file no longer reads as an ONNX model (cut short by a crash, overwritten): only then does
    /// building it again help. A sound file that does not load (no GPU memory left, an operator the provider lacks)
    /// is kept, since rebuilding it would fail the same way on every attempt.
    /// </summary>
    private static bool IsDamaged(string path)
    {
        try
        {
            OnnxModelReader.Read(File.ReadAllBytes(path));
            return false;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            return true;
        }
    }

    private static Exception? TryOpen(Func<InferenceSession> open, out InferenceSession? session)
    {
        try
        {
            session = open();
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            session = null;
            return e;
        }
    }

    private InferenceSession Open(string variantPath, string hash, PrecisionPlan plan, CancellationToken cancellationToken)
    {
        var key = KeyOf(hash, plan);
        if (Provider != ExecutionProviderKind.TensorRt)
        {
            return _cache.Open(variantPath, key, () => CreateSessionOptions(key, plan));
        }

        // TensorRT compiles its part of the graph, which ONNX Runtime cannot save; it keeps its own engine cache instead,
        // whose files other devices and silos build too: one builds them under the lock, the rest load them after. It
        // builds here only for fixed input shapes; for dynamic ones it builds at the first run of a shape (see Load).
        var engines = _cache.TensorRtEngineDirectory(key);
        using var builder = EngineCacheLock.Acquire(engines, Id.ToString(), _logger, cancellationToken);
        using var options = CreateSessionOptions(key, plan);
        try
        {
            return new InferenceSession(variantPath, options);
        }
        catch (OnnxRuntimeException e) when (DamagedEngineCache.TryRemove(e, engines, _logger))
        {
            return new InferenceSession(variantPath, options);
        }
    }

    private VariantKey KeyOf(string hash, PrecisionPlan plan) => new(hash, Provider, plan.ModelPrecision, _options.TileSizeFor(Provider));

    private SessionOptions CreateSessionOptions(VariantKey key, PrecisionPlan plan)
    {
        // The arena keeps the peak of the largest frame for good; without it the peak at 640x360 drops by a third at the same speed.
        var sessionOptions = new SessionOptions
        {
            EnableCpuMemArena = false,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (Provider == ExecutionProviderKind.Cpu)
        {
            sessionOptions.IntraOpNumThreads = _options.CpuThreads;
        }
        else if (_options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = _options.IntraOpThreads;
        }

        if (Provider == ExecutionProviderKind.TensorRt)
        {
            // The engine cache directory exists by now, or its lock said why it cannot.
            using var tensorRt = new OrtTensorRTProviderOptions();
            tensorRt.UpdateOptions(plan.TensorRtOptions(Id.Index, _cache.TensorRtEngineDirectory(key)));
            sessionOptions.AppendExecutionProvider_Tensorrt(tensorRt);
        }

        // Behind TensorRT, CUDA takes the nodes TensorRT does not support.
        if (Provider is ExecutionProviderKind.Cuda or ExecutionProviderKind.TensorRt)
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(CudaProviderOptions(Id, _options));
            sessionOptions.AppendExecutionProvider_CUDA(cuda);
        }

        return sessionOptions;
    }

    /// <summary>The CUDA provider options a session on <paramref name="id"/> gets.</summary>
    public static Dictionary<string, string> CudaProviderOptions(DeviceId id, InferenceOptions options) => new()
    {
        ["device_id"] = id.Index.ToString(CultureInfo.InvariantCulture),
        ["cudnn_conv_algo_search"] = options.CudnnConvAlgoSearch.ToString().ToUpperInvariant(),
    };

    // A loaded model: the session the device owns, and the enhancer its callers get (which may wrap it).
    private sealed record Loaded(OnnxFrameEnhancer Session, IFrameEnhancer Front);
}
