namespace Vsr.Engine.Models;

public sealed class ModelCatalogOptions
{
    /// <summary>Root of the model cache: ncnn sources under <c>source/</c>, converted files under <c>onnx/</c>.</summary>
    public string Directory { get; set; } = ".vsr/models";
}
