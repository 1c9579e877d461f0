namespace Vsr.Engine.Inference;

/// <summary>
/// How a requested precision is met on a provider: which model variant to load, and which TensorRT builder flags to
/// set. The CPU runs any variant (fp16 only through ONNX Runtime's casts back to fp32, so it gains nothing there);
/// CUDA has no INT8 convolutions for QDQ models and runs fp32 instead; TensorRT builds its fp16 engine from the
/// fp32 model and its INT8 engine from the QDQ model.
/// </summary>
/// <param name="Note">Why the plan differs from what was asked, for the log; null when it does not.</param>
public sealed record PrecisionPlan(InferencePrecision ModelPrecision, bool TensorRtFp16, bool TensorRtInt8, string? Note)
{
    public static PrecisionPlan For(ExecutionProviderKind provider, InferencePrecision requested) => (provider, requested) switch
    {
        (ExecutionProviderKind.TensorRt, InferencePrecision.Fp16) => new(InferencePrecision.Fp32, TensorRtFp16: true, TensorRtInt8: false, null),
        (ExecutionProviderKind.TensorRt, InferencePrecision.Int8) => new(InferencePrecision.Int8, TensorRtFp16: false, TensorRtInt8: true, null),
        (ExecutionProviderKind.Cuda, InferencePrecision.Int8) => new(InferencePrecision.Fp32, false, false,
            "INT8 is a CPU (or TensorRT) variant; CUDA would only dequantize it again, so it runs fp32"),
        _ => new(requested, false, false, null),
    };

    /// <summary>TensorRT provider options: the engine cache in <paramref name="engineCache"/>, and the precision flags.</summary>
    public Dictionary<string, string> TensorRtOptions(int deviceIndex, string engineCache) => new()
    {
        ["device_id"] = deviceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["trt_engine_cache_enable"] = "1",
        ["trt_engine_cache_path"] = engineCache,
        ["trt_fp16_enable"] = TensorRtFp16 ? "1" : "0",
        ["trt_int8_enable"] = TensorRtInt8 ? "1" : "0",
    };
}
