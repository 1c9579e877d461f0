namespace Vsr.Engine.Inference;

/// <summary>The ONNX Runtime execution providers the engine can run a model on, fastest last.</summary>
public enum ExecutionProviderKind
{
    Cpu,
    Cuda,
    TensorRt,
}
