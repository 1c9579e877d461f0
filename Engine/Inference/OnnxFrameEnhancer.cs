using Microsoft.ML.OnnxRuntime;

namespace Vsr.Engine.Inference;

/// <summary>
/// Runs an upscaling ONNX model (input [N, 3, H, W] RGB 0..1) over packed RGB24 frames, in batches of
/// frames and, for large frames, tile by tile. Buffers are reused between calls; one call at a time.
/// </summary>
public sealed class OnnxFrameEnhancer : IFrameEnhancer, IDisposable
{
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    private readonly InferenceSession _session;
    private readonly InferenceOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Lock _gate = new();
    private float[] _input = [];
    private float[] _output = [];

    /// <summary>Takes ownership of <paramref name="session"/>.</summary>
    public OnnxFrameEnhancer(InferenceSession session, int scale, InferenceOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        _session = session;
        _options = options;
        _inputNames = [session.InputNames.Single()];
        _outputNames = [session.OutputNames.Single()];
        Scale = scale;
    }

    public int Scale { get; }

    public int PreferredBatchSize => Math.Max(1, _options.BatchSize);

    public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].Length != width * height * 3)
            {
                throw new ArgumentException($"frame {i} has {frames[i].Length} bytes; {width}x{height} RGB24 needs {width * height * 3}", nameof(frames));
            }
        }

        var outputs = new byte[frames.Count][];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new byte[width * Scale * height * Scale * 3];
        }

        lock (_gate)
        {
            // Terminate lets a cancelled call stop inside a long model run, not only between runs.
            using var runOptions = new RunOptions();
            using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
            foreach (var tile in TileSplitter.Split(width, height, _options.TileSize, _options.TileOverlap))
            {
                for (var first = 0; first < frames.Count; first += PreferredBatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var count = Math.Min(PreferredBatchSize, frames.Count - first);
                    try
                    {
                        RunTile(runOptions, frames, outputs, first, count, width, tile);
                    }
                    catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw new OperationCanceledException(cancellationToken);
                    }
                }
            }
        }

        return outputs;
    }

    public void Dispose() => _session.Dispose();

    private void RunTile(RunOptions runOptions, IReadOnlyList<byte[]> frames, byte[][] outputs, int first, int count, int width, FrameTile tile)
    {
        var context = tile.Context;
        var plane = context.Width * context.Height;
        var inputLength = count * 3 * plane;
        var outputLength = inputLength * Scale * Scale;
        if (_input.Length < inputLength)
        {
            _input = new float[inputLength];
        }

        if (_output.Length < outputLength)
        {
            _output = new float[outputLength];
        }

        for (var f = 0; f < count; f++)
        {
            Unpack(frames[first + f], width, context, _input.AsSpan(f * 3 * plane, 3 * plane));
        }

        using (var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, inputLength), [count, 3, context.Height, context.Width]))
        using (var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, outputLength), [count, 3, context.Height * Scale, context.Width * Scale]))
        {
            _session.Run(runOptions, _inputNames, [input], _outputNames, [output]);
        }

        for (var f = 0; f < count; f++)
        {
            Pack(_output.AsSpan(f * 3 * plane * Scale * Scale, 3 * plane * Scale * Scale), tile, width, outputs[first + f]);
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
