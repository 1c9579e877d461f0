using Microsoft.Extensions.Logging;
using Vsr.Engine.Models;

namespace Vsr.Engine.Inference;

/// <summary>
/// One device's ONNX Runtime sessions, one per (model, scale), created on first use and kept.
/// CUDA devices fall back to the CPU provider with a logged reason when CUDA does not load.
/// </summary>
public sealed class InferenceDevice(DeviceId id, ModelCatalog catalog, InferenceOptions options, ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ModelCatalog _catalog = catalog;
    private readonly InferenceOptions _options = options;
    private readonly ILoggerFactory _loggerFactory = loggerFactory;

    public DeviceId Id { get; } = id;

    /// <summary>The execution provider actually in use: <c>CPU</c> or <c>CUDA</c>.</summary>
    public string ExecutionProvider => throw new NotImplementedException();

    /// <summary>The enhancer for this model and scale on this device. Callers serialise their use of it.</summary>
    public IFrameEnhancer GetEnhancer(string model, int scale) => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
