namespace Vsr.Engine.Models;

/// <summary>
/// Knows the models the service offers and turns their ncnn sources into cached ONNX files on demand.
/// Thread-safe; one instance per process.
/// </summary>
public sealed class ModelCatalog(ModelCatalogOptions options)
{
    /// <summary>The model used when a request names none.</summary>
    public const string DefaultModel = "realesr-animevideov3";

    public ModelCatalogOptions Options { get; } = options;

    /// <summary>Every model the service knows, with whether its weights are present.</summary>
    public IReadOnlyList<ModelDescriptor> List() => throw new NotImplementedException();

    /// <summary>
    /// Returns the path of the ONNX file for <paramref name="model"/> at <paramref name="scale"/>,
    /// importing it from the ncnn source the first time (cached, keyed by the source's sha256).
    /// Throws <see cref="ModelUnavailableException"/> when the model/scale is unknown or the source is missing.
    /// </summary>
    public string GetOnnxPath(string model, int scale) => throw new NotImplementedException();
}
