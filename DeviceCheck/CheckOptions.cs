using System.Globalization;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.DeviceCheck;

/// <summary>What one check runs: the device, the models, the precisions, the frames and where the report goes.</summary>
public sealed record CheckOptions
{
    public DeviceId Device { get; init; } = DeviceId.Parse("cuda:0");

    public string ReportPath { get; init; } = "device-check.md";

    /// <summary>The model cache root (imported models' ncnn sources under <c>source/</c>), as the service uses it.</summary>
    public string ModelsDirectory { get; init; } = new ModelCatalogOptions().Directory;

    /// <summary>The project's own ONNX models; by default the <c>models/</c> copied beside the binary.</summary>
    public string BundledDirectory { get; init; } = new ModelCatalogOptions().BundledDirectory;

    /// <summary>Model names to check; empty checks every model whose weights are present.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>Precisions to run on the device; null takes <see cref="PrecisionsToCheck.For"/> the device's provider.</summary>
    public IReadOnlyList<InferencePrecision>? Precisions { get; init; }

    /// <summary>Raw packed RGB24 frames of <see cref="Width"/>×<see cref="Height"/>; null synthesizes them.</summary>
    public string? FramesPath { get; init; }

    public int Width { get; init; } = 640;

    public int Height { get; init; } = 360;

    /// <summary>How many frames are synthesized when no file is given.</summary>
    public int FrameCount { get; init; } = 2;

    /// <summary>Timed passes over the frames after the warm-up pass; the median counts.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>
    /// The input tile edges the device runs at, each a case of its own (<c>--tile 256,0</c>); 0 runs whole frames. The
    /// first is also the CPU reference's tile edge.
    /// </summary>
    public IReadOnlyList<int> TileSizes { get; init; } = [new InferenceOptions().TileSize];

    /// <summary>The CPU reference's tile edge: the first of <see cref="TileSizes"/>.</summary>
    public int TileSize => TileSizes[0];

    /// <summary>Tiles per model run (<see cref="InferenceOptions.TilesPerRun"/>) the tiled device cases run at; 0 puts all tiles of a frame in one run.</summary>
    public IReadOnlyList<int> TilesPerRun { get; init; } = [new InferenceOptions().TilesPerRun];

    /// <summary>The CUDA provider's convolution algorithm search settings the device cases run at.</summary>
    public IReadOnlyList<CudnnConvAlgoSearch> ConvAlgoSearches { get; init; } = [new InferenceOptions().CudnnConvAlgoSearch];

    /// <summary>Where variants and optimized graphs are built; null uses a fresh temporary directory, so the node builds its own.</summary>
    public string? CacheDirectory { get; init; }

    /// <exception cref="FormatException">An option is unknown or its value does not parse.</exception>
    public static CheckOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CheckOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value");
            options = name switch
            {
                "--device" => options with { Device = DeviceId.Parse(value) },
                "--report" => options with { ReportPath = value },
                "--models" => options with { ModelsDirectory = value },
                "--bundled" => options with { BundledDirectory = value },
                "--only" => options with { Only = List(value) },
                "--precisions" => options with { Precisions = List(value).Select(ParsePrecision).ToArray() },
                "--frames" => options with { FramesPath = value },
                "--size" => ParseSize(options, value),
                "--frame-count" => options with { FrameCount = Positive(name, value) },
                "--runs" => options with { Runs = Positive(name, value) },
                "--tile" => options with { TileSizes = WholeNumbers(name, value) },
                "--tiles-per-run" => options with { TilesPerRun = WholeNumbers(name, value) },
                "--conv-algo" => options with { ConvAlgoSearches = List(value).Select(ParseConvAlgo).ToArray() },
                "--cache" => options with { CacheDirectory = value },
                _ => throw new FormatException($"unknown option {name}; see the usage line in Program.cs or docs/gpu-check.md"),
            };
        }

        return options;
    }

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static InferencePrecision ParsePrecision(string text) => Enum.TryParse<InferencePrecision>(text, ignoreCase: true, out var precision)
        ? precision
        : throw new FormatException($"'{text}' is not a precision; expected fp32, fp16 or int8");

    private static int[] WholeNumbers(string name, string value)
    {
        var numbers = List(value).Select(text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"{name} '{text}' is not a whole number")).ToArray();
        return numbers.Length > 0 ? numbers : throw new FormatException($"{name} needs at least one number");
    }

    private static CudnnConvAlgoSearch ParseConvAlgo(string text) => Enum.TryParse<CudnnConvAlgoSearch>(text, ignoreCase: true, out var search)
        ? search
        : throw new FormatException($"'{text}' is not a convolution algorithm search; expected exhaustive, heuristic or default");

    private static CheckOptions ParseSize(CheckOptions options, string value)
    {
        var parts = value.Split('x');
        return parts.Length == 2
            ? options with { Width = Positive("--size", parts[0]), Height = Positive("--size", parts[1]) }
            : throw new FormatException($"--size '{value}' is not WIDTHxHEIGHT");
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new FormatException($"{name} '{value}' is not a positive whole number");
}
