namespace Vsr.Engine.Inference;

/// <summary>The numeric precision a model runs in. Callers always feed and receive fp32 frames.</summary>
public enum InferencePrecision
{
    /// <summary>The model as converted or trained.</summary>
    Fp32,

    /// <summary>Half-precision weights and compute, with casts at the graph's input and output; meant for CUDA and TensorRT.</summary>
    Fp16,

    /// <summary>Static INT8 quantization (QDQ, calibrated); meant for the CPU provider.</summary>
    Int8,
}
