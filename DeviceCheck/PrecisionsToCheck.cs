using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck;

/// <summary>The precisions a device's provider runs as itself (see <see cref="PrecisionPlan"/>), and how close each must stay to the CPU's fp32 output.</summary>
public static class PrecisionsToCheck
{
    /// <summary>
    /// CUDA runs fp32 and fp16 (its INT8 request becomes fp32, nothing new to check); TensorRT adds INT8. The CPU's
    /// fp16 only casts back to fp32 and its INT8 is the bench's business, so a CPU device checks fp32 alone.
    /// </summary>
    public static IReadOnlyList<InferencePrecision> For(ExecutionProviderKind provider) => provider switch
    {
        ExecutionProviderKind.Cuda => [InferencePrecision.Fp32, InferencePrecision.Fp16],
        ExecutionProviderKind.TensorRt => [InferencePrecision.Fp32, InferencePrecision.Fp16, InferencePrecision.Int8],
        _ => [InferencePrecision.Fp32],
    };

    /// <summary>
    /// The lowest PSNR (dB, 8-bit output) against the CPU's fp32 output that passes. On an H200 (docs/gpu-check.md)
    /// CUDA fp32 measured 69.8-101.8 dB and fp16 62.3-63.8 dB, at most 2 levels apart: the floors leave about 20 dB
    /// for another card or cuDNN choosing other kernels, while a wrong layout, channel or tile placement falls far
    /// below them. INT8 measured 35.5 dB on the anime model (ModelVariants).
    /// </summary>
    public static double MinimumPsnr(InferencePrecision precision) => precision switch
    {
        InferencePrecision.Fp32 => 50,
        InferencePrecision.Fp16 => 40,
        _ => 30,
    };
}
