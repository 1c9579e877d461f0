using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Vsr.Engine.Models;

/// <summary>
/// Knows the models the service offers. Imported models (ncnn sources) become cached ONNX files on demand;
/// the project's own models ship as ONNX files in the bundled models directory (<c>models/NAME/model.onnx</c>,
/// with a <c>card.json</c> beside each). Thread-safe; one instance per process.
/// </summary>
public sealed class ModelCatalog(ModelCatalogOptions options)
{
    /// <summary>The model used when a request names none.</summary>
    public const string DefaultModel = "realesr-animevideov3";

    private const string FetchHint = "run ./scripts/fetch-model.sh";

    // Every scale is produced from the x4 network: the other ncnn variants ship the same weights.
    private static readonly KnownModel[] Known =
    [
        new(
            DefaultModel,
            [2, 4],
            "Real-ESRGAN realesr-animevideov3 (SRVGGNetCompact): fast, anime- and cartoon-oriented video upscaler",
            "BSD-3-Clause, Copyright (c) 2021 Xintao Wang",
            SourceStem: "realesr-animevideov3-x4",
            NetworkScale: 4),
        Bundled("real-x2", 2, "Own SRVGGNetCompact-style x2 upscaler for live-action and camera footage (trained on openly licensed photos)"),
        Bundled("real-x4", 4, "Own SRVGGNetCompact-style x4 upscaler for live-action and camera footage (trained on openly licensed photos)"),
        Bundled("denoise-x1", 1, "Own x1 denoiser (SRVGGNetCompact-style on a pixel-unshuffled input): removes sensor noise before upscaling"),
        Bundled("deblock-x1", 1, "Own x1 compression-artefact remover (SRVGGNetCompact-style on a pixel-unshuffled input): runs before upscaling; changes luma only", lumaOnly: true),
    ];

    private const string OwnLicense = "the project's own licence; trained from scratch by train/, see models/NAME/card.json";

    // Imports are rare and CPU-bound; one lock per target file, shared by every catalog in the process (a silo's
    // devices and services may each hold one), keeps concurrent first callers from doing the work twice.
    private static readonly ConcurrentDictionary<string, Lock> Imports = new();
    private readonly string _root = Path.GetFullPath(options.Directory);
    private readonly string _bundled = Path.GetFullPath(options.BundledDirectory);

    public ModelCatalogOptions Options { get; } = options;

    /// <summary>Every model the service knows, with whether its weights are present.</summary>
    public IReadOnlyList<ModelDescriptor> List() =>
        Known.Select(model => new ModelDescriptor(model.Name, model.Scales, model.Description, model.License, SourcesExist(model))).ToArray();

    /// <summary>Whether only the luma change of <paramref name="model"/>'s output is kept (its input's colour stays).</summary>
    public bool IsLumaOnly(string model) => Lookup(model)?.LumaOnly ?? false;

    /// <summary>
    /// Returns the path of the ONNX file for <paramref name="model"/> at <paramref name="scale"/>,
    /// importing it from the ncnn source the first time (cached, keyed by the source's sha256).
    /// Throws <see cref="ModelUnavailableException"/> when the model/scale is unknown or the source is missing.
    /// </summary>
    public string GetOnnxPath(string model, int scale)
    {
        var known = Find(model, scale);
        if (known.SourceStem is null)
        {
            return File.Exists(BundledPath(known))
                ? BundledPath(known)
                : throw new ModelUnavailableException(
                    $"The weights of '{model}' are missing: expected {BundledPath(known)}; they ship in the repository's models/ directory (or set the bundled models directory).");
        }

        return Converted(known, scale, rebuild: false);
    }

    /// <summary>Whether the ONNX file of <paramref name="model"/> is one the catalog converted and caches, and so can rebuild.</summary>
    public bool IsConverted(string model) => Lookup(model)?.SourceStem is not null;

    /// <summary>
    /// Converts <paramref name="model"/> at <paramref name="scale"/> again over its cached ONNX file, for a caller that
    /// could not load that file: a crash or a full disk can leave it damaged, and it would fail every job for good.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is bundled, not converted (<see cref="IsConverted"/>).</exception>
    public string RebuildOnnx(string model, int scale)
    {
        var known = Find(model, scale);
        return known.SourceStem is null
            ? throw new InvalidOperationException($"'{model}' is bundled as ONNX; there is no converted file to rebuild.")
            : Converted(known, scale, rebuild: true);
    }

    /// <summary>
    /// The factor by which <paramref name="model"/> pixel-unshuffles its input (1 for none), read from the graph of
    /// the catalog's own ONNX file: a tile must start on a multiple of it to be processed as in the whole frame.
    /// </summary>
    /// <exception cref="ModelUnavailableException">As <see cref="GetOnnxPath"/>, or the file is not an ONNX model the engine reads.</exception>
    public int UnshuffleFactor(string model, int scale) => UnshuffleFactor(model, scale, GetOnnxPath(model, scale));

    /// <summary>As <see cref="UnshuffleFactor(string, int)"/>, for the ONNX file of the model already found at <paramref name="path"/>.</summary>
    public static int UnshuffleFactor(string model, int scale, string path)
    {
        try
        {
            return OnnxModelReader.Read(File.ReadAllBytes(path)).Graph.UnshuffleFactor;
        }
        catch (InvalidDataException e)
        {
            throw new ModelUnavailableException($"The ONNX file of '{model}' x{scale} ({path}) cannot be read: {e.Message}.", e);
        }
    }

    private static KnownModel? Lookup(string model) => Known.FirstOrDefault(k => k.Name == model);

    private KnownModel Find(string model, int scale)
    {
        var known = Lookup(model)
            ?? throw new ModelUnavailableException(
                $"Unknown model '{model}'. Known models: {string.Join(", ", Known.Select(k => k.Name))}.");
        return known.Scales.Contains(scale)
            ? known
            : throw new ModelUnavailableException(
                $"Model '{model}' does not support scale {scale}; supported scales: {string.Join(", ", known.Scales)}.");
    }

    private string Converted(KnownModel known, int scale, bool rebuild)
    {
        if (!SourcesExist(known))
        {
            throw new ModelUnavailableException(
                $"The weights of '{known.Name}' are missing: expected {ParamPath(known)} and {BinPath(known)}; {FetchHint} (or set the model directory).");
        }

        var param = File.ReadAllBytes(ParamPath(known));
        var bin = File.ReadAllBytes(BinPath(known));
        var target = Path.Combine(_root, "onnx", $"{known.Name}-x{scale}-{SourceHash(param, bin)}.onnx");
        if (!rebuild && File.Exists(target))
        {
            return target;
        }

        lock (Imports.GetOrAdd(target, _ => new Lock()))
        {
            if (rebuild || !File.Exists(target))
            {
                Import(known, scale, param, bin, target);
            }
        }

        return target;
    }

    private static void Import(KnownModel model, int scale, byte[] param, byte[] bin, string target)
    {
        byte[] onnx;
        try
        {
            var network = NcnnModelReader.Parse(System.Text.Encoding.UTF8.GetString(param), bin, model.SourceStem!);
            onnx = OnnxGraphBuilder.Build(network, halveOutput: scale * 2 == model.NetworkScale);
        }
        catch (InvalidDataException e)
        {
            throw new ModelUnavailableException(
                $"The weights of '{model.Name}' could not be imported ({e.Message}); delete them and {FetchHint}.", e);
        }

        AtomicFile.Write(target, onnx);
    }

    private static string SourceHash(byte[] param, byte[] bin)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(param);
        sha.AppendData(bin);
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static KnownModel Bundled(string name, int scale, string description, bool lumaOnly = false) =>
        new(name, [scale], description, OwnLicense, SourceStem: null, NetworkScale: scale, lumaOnly);

    private bool SourcesExist(KnownModel model) =>
        model.SourceStem is null ? File.Exists(BundledPath(model)) : File.Exists(ParamPath(model)) && File.Exists(BinPath(model));

    private string BundledPath(KnownModel model) => Path.Combine(_bundled, model.Name, "model.onnx");

    private string ParamPath(KnownModel model) => Path.Combine(_root, "source", model.SourceStem + ".param");

    private string BinPath(KnownModel model) => Path.Combine(_root, "source", model.SourceStem + ".bin");

    /// <param name="SourceStem">The ncnn files' stem for an imported model; null for a bundled ONNX model.</param>
    /// <param name="LumaOnly">The model's output is applied to luma only (<see cref="LumaOnlyFrameEnhancer"/>).</param>
    private sealed record KnownModel(string Name, int[] Scales, string Description, string License, string? SourceStem, int NetworkScale, bool LumaOnly = false);
}
