namespace Vsr.Engine.Inference;

/// <summary>
/// ONNX Runtime CUDA provider's <c>cudnn_conv_algo_search</c>. With cuDNN 9 its Conv builds a cuDNN frontend graph per
/// input shape and asks cuDNN's heuristics for the plan: <see cref="Exhaustive"/> uses heuristic mode B,
/// <see cref="Heuristic"/> mode A (instant), <see cref="Default"/> cuDNN's fallback engines.
/// </summary>
public enum CudnnConvAlgoSearch
{
    Exhaustive,
    Heuristic,
    Default,
}
