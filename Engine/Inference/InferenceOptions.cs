namespace Vsr.Engine.Inference;

public sealed class InferenceOptions
{
    /// <summary>Frames per model call.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Input tile edge in pixels; frames larger than this are tiled. 0 disables tiling.</summary>
    public int TileSize { get; set; } = 256;

    /// <summary>Context pixels added around each tile (input scale); must exceed the model's receptive radius.</summary>
    public int TileOverlap { get; set; } = 24;

    /// <summary>
    /// ONNX Runtime intra-op threads for a CPU device. 0: the machine's logical processors shared evenly among the CPU
    /// devices that share it (<see cref="CpuDevicesOnMachine"/>). ONNX Runtime's own default counts physical cores, which
    /// on this 2-vCPU machine is one thread: `./bench.sh --quick` measured 2 threads at 1.73× that (variants section).
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>How many CPU devices the silo runs on this machine; set by the host, not by configuration.</summary>
    public int CpuDevicesOnMachine { get; set; } = 1;

    /// <summary>A copy for one device of a silo that runs <paramref name="cpuDevices"/> CPU devices.</summary>
    public InferenceOptions ForCpuDevices(int cpuDevices)
    {
        var copy = (InferenceOptions)MemberwiseClone();
        copy.CpuDevicesOnMachine = Math.Max(1, cpuDevices);
        return copy;
    }

    /// <summary>The intra-op thread count a CPU device's sessions get.</summary>
    public int CpuThreads => IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, Environment.ProcessorCount / Math.Max(1, CpuDevicesOnMachine));

    /// <summary>
    /// The precision models run in: fp32 (default), fp16 (for CUDA and TensorRT) or int8 (static QDQ, for the CPU).
    /// See <see cref="PrecisionPlan"/> for how each provider meets it.
    /// </summary>
    public InferencePrecision Precision { get; set; } = InferencePrecision.Fp32;

    /// <summary>
    /// Where model variants and ONNX Runtime's optimized graphs are kept; empty means <c>optimized/</c> under the
    /// model cache directory.
    /// </summary>
    public string OptimizedCacheDirectory { get; set; } = string.Empty;
}
