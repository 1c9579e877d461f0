using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck;

/// <summary>One model at one precision on one device: what it ran on, how long it took, and what it produced.</summary>
/// <param name="Provider">The provider the device obtained: <c>CPU</c>, <c>CUDA</c> or <c>TensorRT</c>.</param>
/// <param name="Precision">The precision the session was opened at, as the device logged it; null if it did not say.</param>
/// <param name="LoadMs">Getting the enhancer: provider probe, variant build, session creation and graph optimization.</param>
/// <param name="FirstPassMs">The untimed warm-up pass over all frames (CUDA picks its convolution algorithms here).</param>
/// <param name="MsPerFrame">The median of the timed passes, per frame.</param>
/// <param name="Warnings">What the device warned about: provider and variant fallbacks.</param>
public sealed record Measurement(
    DeviceId Device,
    string Provider,
    InferencePrecision? Precision,
    double LoadMs,
    double FirstPassMs,
    double MsPerFrame,
    IReadOnlyList<byte[]> Outputs,
    IReadOnlyList<string> Warnings);
