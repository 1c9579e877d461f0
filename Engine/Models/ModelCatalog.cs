using System.Security.Cryptography;

namespace Vsr.Engine.Models;

/// <summary>
/// Knows the models the service offers and turns their ncnn sources into cached ONNX files on demand.
/// Thread-safe; one instance per process.
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
    ];

    // Imports are rare and CPU-bound; one at a time keeps concurrent first callers from doing the work twice.
    private readonly Lock _importLock = new();
    private readonly string _root = Path.GetFullPath(options.Directory);

    public ModelCatalogOptions Options { get; } = options;

    /// <summary>Every model the service knows, with whether its weights are present.</summary>
    public IReadOnlyList<ModelDescriptor> List() =>
        Known.Select(model => new ModelDescriptor(model.Name, model.Scales, model.Description, model.License, SourcesExist(model))).ToArray();

    /// <summary>
    /// Returns the path of the ONNX file for <paramref name="model"/> at <paramref name="scale"/>,
    /// importing it from the ncnn source the first time (cached, keyed by the source's sha256).
    /// Throws <see cref="ModelUnavailableException"/> when the model/scale is unknown or the source is missing.
    /// </summary>
    public string GetOnnxPath(string model, int scale)
    {
        var known = Known.FirstOrDefault(k => k.Name == model)
            ?? throw new ModelUnavailableException(
                $"Unknown model '{model}'. Known models: {string.Join(", ", Known.Select(k => k.Name))}.");
        if (!known.Scales.Contains(scale))
        {
            throw new ModelUnavailableException(
                $"Model '{model}' does not support scale {scale}; supported scales: {string.Join(", ", known.Scales)}.");
        }

        if (!SourcesExist(known))
        {
            throw new ModelUnavailableException(
                $"The weights of '{model}' are missing: expected {ParamPath(known)} and {BinPath(known)}; {FetchHint} (or set the model directory).");
        }

        var param = File.ReadAllBytes(ParamPath(known));
        var bin = File.ReadAllBytes(BinPath(known));
        var target = Path.Combine(_root, "onnx", $"{model}-x{scale}-{SourceHash(param, bin)}.onnx");
        if (File.Exists(target))
        {
            return target;
        }

        lock (_importLock)
        {
            if (!File.Exists(target))
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
            var network = NcnnModelReader.Parse(System.Text.Encoding.UTF8.GetString(param), bin, model.SourceStem);
            onnx = OnnxGraphBuilder.Build(network, halveOutput: scale * 2 == model.NetworkScale);
        }
        catch (InvalidDataException e)
        {
            throw new ModelUnavailableException(
                $"The weights of '{model.Name}' could not be imported ({e.Message}); delete them and {FetchHint}.", e);
        }

        // Write beside the target and rename, so that a reader (or another process) never sees half a file.
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, onnx);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static string SourceHash(byte[] param, byte[] bin)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(param);
        sha.AppendData(bin);
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private bool SourcesExist(KnownModel model) => File.Exists(ParamPath(model)) && File.Exists(BinPath(model));

    private string ParamPath(KnownModel model) => Path.Combine(_root, "source", model.SourceStem + ".param");

    private string BinPath(KnownModel model) => Path.Combine(_root, "source", model.SourceStem + ".bin");

    private sealed record KnownModel(string Name, int[] Scales, string Description, string License, string SourceStem, int NetworkScale);
}
