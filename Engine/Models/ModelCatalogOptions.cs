namespace Vsr.Engine.Models;

public sealed class ModelCatalogOptions
{
    /// <summary>Root of the model cache: ncnn sources under <c>source/</c>, converted files under <c>onnx/</c>.</summary>
    public string Directory { get; set; } = ".vsr/models";

    /// <summary>
    /// The project's own ONNX models, <c>NAME/model.onnx</c>. The repository's <c>models/</c> is copied next to
    /// every binary that references the engine, so the default works from any working directory.
    /// </summary>
    public string BundledDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models");
}
