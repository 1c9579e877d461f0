using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Vsr.Engine.Inference;

/// <summary>
/// Runs an upscaling ONNX model (input [N, 3, H, W] RGB 0..1) over packed RGB24 frames, in batches of
/// frames and, for large frames, tile by tile, several tiles to a run if configured. Within a call every model run
/// has the same input shape. Buffers are reused between calls, and released after a call that needed less than half
/// of one (above <see cref="RetainedBufferValues"/>), so one job of large frames does not hold its memory for the
/// device's life; one call at a time.
/// </summary>
public sealed class OnnxFrameEnhancer : IFrameEnhancer, IDisposable
{
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    /// <summary>The smallest tile edge a run that ran out of memory is tried again at.</summary>
    public const int SmallestFallbackTile = 64;

    private readonly InferenceSession _session;
    private readonly InferenceOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    // _call serialises calls and is held for all of one, lock waits included; _gate guards only _disposed and _running,
    // so Dispose never waits for a call.
    private readonly Lock _call = new();
    private readonly Lock _gate = new();
    private readonly Func<CancellationToken, IDisposable>? _engineBuildLock;
    private readonly string? _engineCacheDirectory;
    private readonly ILogger? _logger;
    private int _tileSize;
    private readonly HashSet<(int Items, int Height, int Width)> _shapesRun = [];
    private float[] _input = [];
    private float[] _output = [];
    private int _callInput;
    private int _callOutput;
    private bool _disposed;
    private bool _running;

    /// <summary>Takes ownership of <paramref name="session"/>.</summary>
    /// <param name="tileSize">The tile edge for this device's provider; null takes <see cref="InferenceOptions.TileSize"/>.</param>
    /// <param name="uniformTiles">
    /// Give every tile of a frame one window size (needed on CUDA, which re-plans its convolutions on every shape
    /// change, and to put several tiles in one run); false cuts border windows at the frame edge, which the CPU
    /// provider prefers: it plans nothing per shape, and at 768×576 with 256-px tiles the uniform windows run 13 %
    /// more pixels (656,640 against 580,608), at 384×288 27 % more.
    /// </param>
    /// <param name="tileAlignment">
    /// The model's unshuffle factor (<see cref="Models.ModelCatalog.UnshuffleFactor"/>): tiles are cut on its
    /// multiples, so each is unshuffled at the same phase as the whole frame and the stitched frame shows no seams.
    /// </param>
    /// <param name="engineBuildLock">
    /// Taken (and disposed) around each run of an input shape this session has not run before; ending the wait it gets
    /// the call's cancellation token. A TensorRT session builds its engine for a model with dynamic input dimensions
    /// at such a run, into the cache its <see cref="EngineCacheLock"/> guards. Null for providers that build nothing.
    /// </param>
    /// <param name="logger">Told when a run out of memory makes the tiles smaller.</param>
    /// <param name="engineCacheDirectory">
    /// TensorRT's engine cache of this session: an engine there that cannot be read is removed and built again (see
    /// <see cref="DamagedEngineCache"/>). Null for providers that build nothing.
    /// </param>
    public OnnxFrameEnhancer(InferenceSession session, int scale, InferenceOptions options, int? tileSize = null, bool uniformTiles = true, int tileAlignment = 1,
        Func<CancellationToken, IDisposable>? engineBuildLock = null, ILogger? logger = null, string? engineCacheDirectory = null)
    {
        _engineCacheDirectory = engineCacheDirectory;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileAlignment);
        ArgumentOutOfRangeException.ThrowIfNegative(tileSize ?? 0);
        _session = session;
        _options = options;
        _engineBuildLock = engineBuildLock;
        _logger = logger;
        _tileSize = tileSize ?? options.TileSize;
        UniformTiles = uniformTiles || options.TilesPerRun > 1;
        _inputNames = [session.InputNames.Single()];
        _outputNames = [session.OutputNames.Single()];
        Scale = scale;
        TileAlignment = tileAlignment;
    }

    public int Scale { get; }

    public int PreferredBatchSize => Math.Max(1, _options.BatchSize);

    /// <summary>
    /// The input tile edge this enhancer cuts frames at; 0 runs whole frames. It starts as configured and is halved
    /// for good whenever a run fails for want of memory (a GPU's above all: whole frames at 4K, a card smaller than the
    /// one the setting was made for), down to <see cref="SmallestFallbackTile"/>; the call is then run again.
    /// </summary>
    public int TileSize => Volatile.Read(ref _tileSize);

    /// <summary>Whether every tile of a frame has one window size (see the constructor).</summary>
    public bool UniformTiles { get; }

    /// <summary>The multiple tiles are cut on: the model's unshuffle factor (see the constructor).</summary>
    public int TileAlignment { get; }

    /// <summary>(frame, tile) items per model run: <see cref="InferenceOptions.BatchSize"/> × <see cref="InferenceOptions.TilesPerRun"/>.</summary>
    public int ItemsPerRun => PreferredBatchSize * Math.Max(1, _options.TilesPerRun);

    /// <summary>Sees the input shape of every model run before it starts (tests).</summary>
    internal Action<long[]>? RunObserver { get; set; }

    /// <summary>The values one run's buffer may hold (<see cref="RunSizing.ItemsPerRun"/>); lowered by tests.</summary>
    internal long? BufferLimit { get; set; }

    /// <summary>A buffer up to this many values (64 MiB of floats) is always kept between calls; lowered by tests.</summary>
    internal int RetainedBufferValues { get; set; } = 16 << 20;

    /// <summary>The lengths of the input and output buffers kept between calls (tests).</summary>
    internal (int Input, int Output) BufferLengths
    {
        get
        {
            lock (_call)
            {
                return (_input.Length, _output.Length);
            }
        }
    }

    public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].Length != 3L * width * height)
            {
                throw new ArgumentException($"frame {i} has {frames[i].Length} bytes; {width}x{height} RGB24 needs {3L * width * height}", nameof(frames));
            }
        }

        var outputLength = RunSizing.OutputValuesPerItem(width, height, Scale);
        if (outputLength > Array.MaxLength)
        {
            throw new RunTooLargeException($"A {width}x{height} frame at x{Scale} is {outputLength:N0} bytes, more than one buffer holds ({Array.MaxLength:N0}).");
        }

        var outputs = new byte[frames.Count][];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new byte[outputLength];
        }

        lock (_call)
        {
            // Terminate lets a cancelled call stop inside a long model run, not only between runs.
            using var runOptions = new RunOptions();
            using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
            var engineRemoved = false;
            try
            {
                while (true)
                {
                    // What this attempt's runs need: a retry at smaller tiles needs less than the attempt that failed.
                    (_callInput, _callOutput) = (0, 0);
                    try
                    {
                        EnhanceTiles(runOptions, frames, outputs, width, height, cancellationToken);
                        return outputs;
                    }
                    catch (OnnxRuntimeException e) when (!cancellationToken.IsCancellationRequested && IsOutOfMemory(e)
                        && SmallerTile(TileSize, width, height) is { } smaller)
                    {
                        // Every tile is run again, so what the failed attempt wrote into the outputs is all overwritten.
                        _logger?.LogWarning("A {Width}x{Height} run at tile edge {Tile} ran out of memory; tiles of {Smaller} from now on: {Reason}",
                            width, height, TileSize == 0 ? "whole frame" : TileSize, smaller, e.Message);
                        Volatile.Write(ref _tileSize, smaller);
                    }
                    catch (OnnxRuntimeException e) when (!cancellationToken.IsCancellationRequested && !engineRemoved && _engineCacheDirectory is not null
                        && DamagedEngineCache.TryRemove(e, _engineCacheDirectory, _logger))
                    {
                        // Its shape was not marked as run, so the run again builds the engine under the cache's lock.
                        engineRemoved = true;
                    }
                }
            }
            finally
            {
                // Also after a cancelled or failed call: an idle device must not keep a large job's buffers.
                TrimBuffers();
            }
        }
    }

    // A buffer more than twice this call's largest run is released at the end of the call (the next call allocates
    // what it needs): after a job of 4K frames at x4 a device would keep gigabytes otherwise. A job's runs have one
    // size, so it allocates again at most once after a larger job's, or after its own short last call.
    private void TrimBuffers()
    {
        if (_input.Length > RetainedBufferValues && _input.Length > 2L * _callInput)
        {
            _input = [];
        }

        if (_output.Length > RetainedBufferValues && _output.Length > 2L * _callOutput)
        {
            _output = [];
        }
    }

    /// <summary>Whether ONNX Runtime failed for want of memory: its arena, CUDA, cuBLAS, cuDNN or TensorRT.</summary>
    internal static bool IsOutOfMemory(OnnxRuntimeException e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("Failed to allocate memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("ALLOC_FAILED", StringComparison.Ordinal)
        || e.Message.Contains("could not be allocated", StringComparison.OrdinalIgnoreCase);

    /// <summary>Half the tile edge in use (of the frame's longer side for whole frames), on the model's alignment; null below the smallest.</summary>
    private int? SmallerTile(int tile, int width, int height)
    {
        var edge = tile == 0 ? Math.Max(width, height) : tile;
        var half = edge / 2 / TileAlignment * TileAlignment;
        return half >= SmallestFallbackTile ? half : null;
    }

    private void EnhanceTiles(RunOptions runOptions, IReadOnlyList<byte[]> frames, byte[][] outputs, int width, int height, CancellationToken cancellationToken)
    {
        var tiles = TileSplitter.Split(width, height, TileSize, _options.TileOverlap, UniformTiles, TileAlignment);
        if (!UniformTiles)
        {
            // Windows of several sizes: one tile at a time over batches of frames, so each run has one shape.
            foreach (var tile in tiles)
            {
                var batch = RunSizing.ItemsPerRun(PreferredBatchSize, tile.Context.Width, tile.Context.Height, Scale, BufferLimit);
                for (var first = 0; first < frames.Count; first += batch)
                {
                    var count = Math.Min(batch, frames.Count - first);
                    RunGuarded(runOptions, frames, outputs, width, [tile], first, count, count, cancellationToken);
                }
            }

            return;
        }

        // Every (frame, tile) pair is one item; all tiles of a frame have the same context size, and every run
        // takes the same number of items (the last one is filled up with repeats of its last item, whose results
        // are dropped), so every model run of the call sees one input shape.
        var items = frames.Count * tiles.Count;
        var runSize = RunSizing.ItemsPerRun(Math.Min(items, ItemsPerRun), tiles[0].Context.Width, tiles[0].Context.Height, Scale, BufferLimit);
        for (var first = 0; first < items; first += runSize)
        {
            RunGuarded(runOptions, frames, outputs, width, tiles, first, Math.Min(runSize, items - first), runSize, cancellationToken);
        }
    }

    /// <summary>
    /// Frees the session at once or, while a model run is under way, as soon as that run ends, without waiting for it.
    /// A call under way then fails with <see cref="ObjectDisposedException"/> before its next run, as does one that was
    /// waiting for the engine cache's lock (which may take minutes) once it has the lock.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_running)
            {
                return;
            }
        }

        _session.Dispose();
    }

    private void RunGuarded(RunOptions runOptions, IReadOnlyList<byte[]> frames, byte[][] outputs, int width, IReadOnlyList<FrameTile> tiles, int first, int count, int slots, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            RunItems(runOptions, frames, outputs, width, tiles, first, count, slots, cancellationToken);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private void RunItems(RunOptions runOptions, IReadOnlyList<byte[]> frames, byte[][] outputs, int width, IReadOnlyList<FrameTile> tiles, int first, int count, int slots,
        CancellationToken cancellationToken)
    {
        // RunSizing keeps slots x the output item within one array, so every length and offset below fits an int.
        var context = tiles[0].Context;
        var plane = context.Width * context.Height;
        var inputItem = 3 * plane;
        var outputItem = inputItem * Scale * Scale;
        var inputLength = slots * inputItem;
        var outputLength = slots * outputItem;
        (_callInput, _callOutput) = (Math.Max(_callInput, inputLength), Math.Max(_callOutput, outputLength));
        if (_input.Length < inputLength)
        {
            _input = new float[inputLength];
        }

        if (_output.Length < outputLength)
        {
            _output = new float[outputLength];
        }

        for (var slot = 0; slot < slots; slot++)
        {
            var item = first + Math.Min(slot, count - 1);
            Unpack(frames[item / tiles.Count], width, tiles[item % tiles.Count].Context, _input.AsSpan(slot * inputItem, inputItem));
        }

        // A shape is marked as run only once its run succeeded: a cancelled first run may have left its engine unbuilt.
        var shape = (slots, context.Height, context.Width);
        var buildLock = _engineBuildLock is not null && !_shapesRun.Contains(shape) ? _engineBuildLock : null;
        long[] inputShape = [slots, 3, context.Height, context.Width];
        ThrowIfDisposed();
        using (var engineBuild = buildLock?.Invoke(cancellationToken))
        using (var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, inputLength), inputShape))
        using (var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, outputLength), [slots, 3, context.Height * Scale, context.Width * Scale]))
        {
            Run(runOptions, input, output, inputShape);
        }

        if (buildLock is not null)
        {
            _shapesRun.Add(shape);
        }

        for (var slot = 0; slot < count; slot++)
        {
            var item = first + slot;
            Pack(_output.AsSpan(slot * outputItem, outputItem), tiles[item % tiles.Count], width, outputs[item / tiles.Count]);
        }
    }

    // The session is disposed by Dispose only while no run is under way; one disposed during a run is freed here, once
    // the run ended. A call disposed while it waited, for the engine cache's lock above all, stops here.
    private void Run(RunOptions runOptions, OrtValue input, OrtValue output, long[] inputShape)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running = true;
        }

        try
        {
            RunObserver?.Invoke(inputShape);
            _session.Run(runOptions, _inputNames, [input], _outputNames, [output]);
        }
        finally
        {
            bool disposed;
            lock (_gate)
            {
                _running = false;
                disposed = _disposed;
            }

            if (disposed)
            {
                _session.Dispose();
            }
        }
    }

    private void ThrowIfDisposed()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    // Packed RGB24 rows of the context rectangle -> three planes of 0..1 floats.
    internal static void Unpack(byte[] frame, int width, System.Drawing.Rectangle context, Span<float> planes)
    {
        var plane = context.Width * context.Height;
        for (var y = 0; y < context.Height; y++)
        {
            var source = frame.AsSpan((((context.Y + y) * width) + context.X) * 3, context.Width * 3);
            var row = y * context.Width;
            for (var x = 0; x < context.Width; x++)
            {
                planes[row + x] = ByteToUnit[source[x * 3]];
                planes[plane + row + x] = ByteToUnit[source[(x * 3) + 1]];
                planes[(2 * plane) + row + x] = ByteToUnit[source[(x * 3) + 2]];
            }
        }
    }

    // The core of the tile's result (output scale) -> its place in the packed RGB24 output frame.
    private void Pack(ReadOnlySpan<float> planes, FrameTile tile, int width, byte[] frame)
    {
        var (core, context) = (tile.Core, tile.Context);
        var tileWidth = context.Width * Scale;
        var plane = tileWidth * context.Height * Scale;
        var outWidth = width * Scale;
        var offsetX = (core.X - context.X) * Scale;
        var offsetY = (core.Y - context.Y) * Scale;
        for (var y = 0; y < core.Height * Scale; y++)
        {
            var target = frame.AsSpan((((core.Y * Scale) + y) * outWidth + (core.X * Scale)) * 3, core.Width * Scale * 3);
            var row = ((offsetY + y) * tileWidth) + offsetX;
            for (var x = 0; x < core.Width * Scale; x++)
            {
                target[x * 3] = PixelQuantizer.ToByte(planes[row + x]);
                target[(x * 3) + 1] = PixelQuantizer.ToByte(planes[plane + row + x]);
                target[(x * 3) + 2] = PixelQuantizer.ToByte(planes[(2 * plane) + row + x]);
            }
        }
    }
}
