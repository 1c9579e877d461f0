using System.Buffers.Binary;
using System.Globalization;

namespace Vsr.Engine.Models;

/// <summary>
/// Reads an ncnn model (.param text + .bin weights). Only the layers the supported upscalers use are
/// accepted; anything else fails loudly, because a silently misread weight file still "runs".
/// </summary>
public static class NcnnModelReader
{
    public const int Magic = 7767517;

    // The u32 that starts every Convolution kernel in the .bin says how it is stored.
    private const uint Fp32Tag = 0;
    private const uint Fp16Tag = 0x01306B47;
    private const uint Int8Tag = 0x000D4B38;

    private static readonly HashSet<string> SupportedTypes =
        ["Input", "Split", "Convolution", "PReLU", "PixelShuffle", "Interp", "BinaryOp"];

    public static NcnnModel Read(string paramPath, string binPath) =>
        Parse(File.ReadAllText(paramPath), File.ReadAllBytes(binPath), Path.GetFileName(binPath));

    /// <summary>Parses a model from memory. <paramref name="source"/> names the model in error messages.</summary>
    /// <exception cref="InvalidDataException">The files are malformed, use an unsupported feature, or do not match each other.</exception>
    public static NcnnModel Parse(string paramText, byte[] bin, string source = "model")
    {
        var lines = paramText.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        if (lines.Length < 2 || lines[0] != Magic.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException($"{source}: the .param does not start with the ncnn magic {Magic}");
        }

        var counts = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (counts.Length != 2 || !int.TryParse(counts[0], CultureInfo.InvariantCulture, out var layerCount)
            || !int.TryParse(counts[1], CultureInfo.InvariantCulture, out var blobCount))
        {
            throw new InvalidDataException($"{source}: line 2 of the .param must be '<layer count> <blob count>'");
        }

        if (lines.Length - 2 != layerCount)
        {
            throw new InvalidDataException($"{source}: the .param declares {layerCount} layers but has {lines.Length - 2} layer lines");
        }

        var weights = new WeightCursor(bin, source);
        var layers = new List<NcnnLayer>(layerCount);
        var blobs = new HashSet<string>();
        foreach (var line in lines.Skip(2))
        {
            var layer = ParseLine(line, source);
            var unknown = layer.Inputs.FirstOrDefault(input => !blobs.Contains(input));
            if (unknown is not null)
            {
                throw new InvalidDataException($"{source}: layer {layer.Name} reads blob '{unknown}' before any layer produces it");
            }

            var duplicate = layer.Outputs.FirstOrDefault(output => !blobs.Add(output));
            if (duplicate is not null)
            {
                throw new InvalidDataException($"{source}: blob '{duplicate}' is produced twice (again by {layer.Name})");
            }

            layers.Add(layer with { Weights = ReadWeights(layer, weights, source) });
        }

        if (blobs.Count != blobCount)
        {
            throw new InvalidDataException($"{source}: the .param declares {blobCount} blobs but its layers produce {blobs.Count}");
        }

        weights.EnsureFullyConsumed();
        return new NcnnModel(layers, blobCount, weights.Offset);
    }

    private static NcnnLayer ParseLine(string line, string source)
    {
        var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length < 4 || !int.TryParse(tokens[2], CultureInfo.InvariantCulture, out var inputCount)
            || !int.TryParse(tokens[3], CultureInfo.InvariantCulture, out var outputCount)
            || inputCount < 0 || outputCount < 0 || tokens.Length < 4 + inputCount + outputCount)
        {
            throw new InvalidDataException($"{source}: malformed layer line '{line}'");
        }

        var (type, name) = (tokens[0], tokens[1]);
        if (!SupportedTypes.Contains(type))
        {
            throw new InvalidDataException(
                $"{source}: layer {name} has type {type}, which the importer does not support (supported: {string.Join(", ", SupportedTypes)})");
        }

        try
        {
            var parameters = NcnnParams.Parse(tokens.Skip(4 + inputCount + outputCount));
            return new NcnnLayer(type, name, tokens[4..(4 + inputCount)], tokens[(4 + inputCount)..(4 + inputCount + outputCount)], parameters, []);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{source}: layer {name}: {e.Message}", e);
        }
    }

    private static float[][] ReadWeights(NcnnLayer layer, WeightCursor weights, string source)
    {
        try
        {
            switch (layer.Type)
            {
                case "Convolution":
                    var conv = NcnnConvolution.From(layer);
                    var kernel = weights.ReadTagged(conv.WeightCount, layer.Name);
                    return conv.HasBias ? [kernel, weights.ReadFloats(conv.OutChannels, layer.Name)] : [kernel];
                case "PReLU":
                    var slopes = layer.Params.GetInt(0, 0);
                    if (slopes <= 0)
                    {
                        throw new FormatException("PReLU needs 0=num_slope > 0");
                    }

                    return [weights.ReadFloats(slopes, layer.Name)];
                default:
                    return [];
            }
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{source}: layer {layer.Name}: {e.Message}", e);
        }
    }

    /// <summary>Walks the .bin, so that every byte is attributed to exactly one layer.</summary>
    private sealed class WeightCursor(byte[] bin, string source)
    {
        public long Offset { get; private set; }

        public float[] ReadTagged(int count, string layer)
        {
            var tagAt = Offset;
            var tag = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, layer, "storage tag"));
            switch (tag)
            {
                case Fp32Tag:
                    return ReadFloats(count, layer);
                case Fp16Tag:
                    var bytes = Take(Align4(count * 2L), layer, $"{count} fp16 weights");
                    var values = new float[count];
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2));
                    }

                    return values;
                case Int8Tag:
                    throw new InvalidDataException(
                        $"{source}: layer {layer} stores int8 weights (tag 0x{tag:X8} at offset {tagAt}); only fp32 and fp16 models can be imported");
                default:
                    throw new InvalidDataException(
                        $"{source}: layer {layer} starts its weights with 0x{tag:X8} at offset {tagAt}, which marks a quantisation table; only fp32 and fp16 models can be imported");
            }
        }

        public float[] ReadFloats(int count, string layer)
        {
            var bytes = Take(count * 4L, layer, $"{count} fp32 values");
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }

            return values;
        }

        public void EnsureFullyConsumed()
        {
            if (Offset != bin.Length)
            {
                throw new InvalidDataException(
                    $"{source}: the layers account for {Offset} bytes but the .bin has {bin.Length}; {bin.Length - Offset} unexplained bytes start at offset {Offset}, so the .param and .bin do not belong together");
            }
        }

        private ReadOnlySpan<byte> Take(long length, string layer, string what)
        {
            if (Offset + length > bin.Length)
            {
                throw new InvalidDataException(
                    $"{source}: layer {layer} needs {what} ({length} bytes) at offset {Offset}, but the .bin ends at {bin.Length}; the file is truncated or does not match the .param");
            }

            var span = bin.AsSpan((int)Offset, (int)length);
            Offset += length;
            return span;
        }

        private static long Align4(long length) => (length + 3) & ~3L;
    }
}
