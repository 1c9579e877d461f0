namespace Vsr.Engine.Inference;

public sealed class InferenceOptions
{
    private const int GpuTileSizeDefault = 0;
    private const CudnnConvAlgoSearch CudnnConvAlgoSearchDefault = CudnnConvAlgoSearch.Heuristic;

    /// <summary>Frames per model call.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Input tile edge in pixels on a CPU device; frames larger than this are tiled. 0 disables tiling.</summary>
    public int TileSize { get; set; } = 256;

    /// <summary>
    /// Input tile edge on a CUDA or TensorRT device (a device that fell back to the CPU uses <see cref="TileSize"/>).
    /// 0, the default, runs whole frames: on an H200 they were the fastest in 11 of 14 cases at 640×360 and 1280×720 and
    /// at most 8 ms per frame slower in the others (docs/gpu-check.md); a tile edge bounds GPU memory on a small card.
    /// </summary>
    public int GpuTileSize { get; set; } = GpuTileSizeDefault;

    /// <summary>
    /// Tiles per model run (times <see cref="BatchSize"/> frames): the tiles of a frame share one shape, so several can
    /// go into one run. 1 keeps the CPU's memory peak at one tile.
    /// </summary>
    public int TilesPerRun { get; set; } = 1;

    /// <summary>
    /// ONNX Runtime CUDA provider's <c>cudnn_conv_algo_search</c>: how cuDNN convolution plans are chosen when a Conv
    /// node sees a new input shape. ONNX Runtime's own default is <see cref="CudnnConvAlgoSearch.Exhaustive"/>; on an
    /// H200 <see cref="CudnnConvAlgoSearch.Heuristic"/> made no consistent difference per frame and cut the first pass
    /// (plan building) by up to 7× (docs/gpu-check.md), which a video pays again at every new frame size or batch size.
    /// </summary>
    public CudnnConvAlgoSearch CudnnConvAlgoSearch { get; set; } = CudnnConvAlgoSearchDefault;

    /// <summary>Context pixels added around each tile (input scale); must exceed the model's receptive radius.</summary>
    public int TileOverlap { get; set; } = 24;

    /// <summary>
    /// ONNX Runtime intra-op threads for a device on the CPU provider. 0: the machine's logical processors shared evenly
    /// among the devices that run on the CPU, GPU devices that fell back included (<see cref="CpuDevicesOnMachine"/>).
    /// ONNX Runtime's own default counts physical cores, which on this 2-vCPU machine is one thread:
    /// `./bench.sh --quick` measured 2 threads at 1.73× that (variants section).
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// How many devices of the silo run on the CPU provider on this machine, GPU devices that fell back to it included;
    /// set by the host, not by configuration.
    /// </summary>
    public int CpuDevicesOnMachine { get; set; } = 1;

    /// <summary>A copy for one device of a silo that runs <paramref name="cpuDevices"/> devices on the CPU provider.</summary>
    public InferenceOptions ForCpuDevices(int cpuDevices)
    {
        var copy = (InferenceOptions)MemberwiseClone();
        copy.CpuDevicesOnMachine = Math.Max(1, cpuDevices);
        return copy;
    }

    /// <summary>The tile edge a device whose sessions run on <paramref name="provider"/> cuts frames at.</summary>
    public int TileSizeFor(ExecutionProviderKind provider) => provider == ExecutionProviderKind.Cpu ? TileSize : GpuTileSize;

    /// <summary>The intra-op thread count a CPU device's sessions get.</summary>
    public int CpuThreads => IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, Environment.ProcessorCount / Math.Max(1, CpuDevicesOnMachine));

    /// <summary>
    /// The precision models run in: fp32 (default), fp16 (for CUDA and TensorRT) or int8 (static QDQ, for the CPU).
    /// See <see cref="PrecisionPlan"/> for how each provider meets it.
    /// </summary>
    public InferencePrecision Precision { get; set; } = InferencePrecision.Fp32;

    /// <summary>
    /// The least PSNR (dB, RGB) an INT8 variant's output must hold against its fp32 model's, measured once per model on
    /// frames it was not calibrated on (<see cref="Variants.VariantFidelity"/>); a model whose variant falls short runs
    /// fp32, with a warning that names both figures. The default model's variant holds about 36 dB.
    /// </summary>
    public double Int8MinPsnrDb { get; set; } = 30;

    /// <summary>
    /// Whether a <c>cuda:N</c> or <c>tensorrt:N</c> device that cannot get a GPU provider stops the silo at start-up
    /// (with the device and ONNX Runtime's reason) instead of falling back to the CPU. Off by default: the fallback keeps
    /// a node working, slowly, and shows as a Degraded <c>/health</c> and in <c>vsr_device_fallback</c>.
    /// </summary>
    public bool RequireGpu { get; set; }

    /// <summary>
    /// Where model variants and ONNX Runtime's optimized graphs are kept; empty means <c>optimized/</c> under the
    /// model cache directory.
    /// </summary>
    public string OptimizedCacheDirectory { get; set; } = string.Empty;
}
