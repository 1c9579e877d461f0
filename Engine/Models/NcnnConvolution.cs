namespace Vsr.Engine.Models;

/// <summary>The geometry of an ncnn <c>Convolution</c> layer, decoded from its parameters and checked.</summary>
public sealed record NcnnConvolution(
    int OutChannels,
    int InChannels,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int DilationHeight,
    int DilationWidth,
    int PadTop,
    int PadLeft,
    int PadBottom,
    int PadRight,
    bool HasBias)
{
    // ncnn's Convolution parameter ids; anything else would change the maths in ways not mapped here.
    private static readonly HashSet<int> KnownIds = [0, 1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19];

    public int WeightCount => OutChannels * InChannels * KernelHeight * KernelWidth;

    /// <summary>Decodes the parameters of <paramref name="layer"/>; throws <see cref="FormatException"/> for what ONNX export cannot express.</summary>
    public static NcnnConvolution From(NcnnLayer layer)
    {
        var p = layer.Params;
        var unknown = p.Ids.Where(id => !KnownIds.Contains(id)).ToArray();
        if (unknown.Length > 0)
        {
            throw new FormatException($"unsupported Convolution parameter id(s) {string.Join(", ", unknown)}");
        }

        if (p.GetInt(8, 0) != 0)
        {
            throw new FormatException("int8-quantised Convolution (8=int8_scale_term) is not supported");
        }

        if (p.GetInt(9, 0) != 0)
        {
            throw new FormatException($"fused activation 9={p.GetInt(9, 0)} is not supported");
        }

        if (p.GetInt(19, 0) != 0)
        {
            throw new FormatException("dynamic weights (19=1) are not supported");
        }

        if (p.GetFloat(18, 0f) != 0f)
        {
            throw new FormatException("non-zero pad value (18) is not supported");
        }

        var outChannels = p.GetInt(0, 0);
        var kernelW = p.GetInt(1, 0);
        var kernelH = p.GetInt(11, kernelW);
        var dilationW = p.GetInt(2, 1);
        var strideW = p.GetInt(3, 1);
        var padLeft = p.GetInt(4, 0);
        var padTop = p.GetInt(14, padLeft);
        var weightCount = p.GetInt(6, 0);
        var conv = new NcnnConvolution(
            outChannels,
            InChannels: 0,
            kernelH,
            kernelW,
            p.GetInt(13, strideW),
            strideW,
            p.GetInt(12, dilationW),
            dilationW,
            padTop,
            padLeft,
            p.GetInt(16, padTop),
            p.GetInt(15, padLeft),
            p.GetInt(5, 0) != 0);

        if (outChannels <= 0 || kernelW <= 0 || kernelH <= 0 || conv.StrideHeight <= 0 || strideW <= 0
            || conv.DilationHeight <= 0 || dilationW <= 0)
        {
            throw new FormatException("Convolution needs positive 0=num_output, kernel, stride and dilation");
        }

        // Negative pads are ncnn's "SAME" markers (-233, -234), which depend on the input size.
        if (conv.PadTop < 0 || conv.PadLeft < 0 || conv.PadBottom < 0 || conv.PadRight < 0)
        {
            throw new FormatException("automatic (negative) Convolution padding is not supported");
        }

        var perInput = outChannels * kernelH * kernelW;
        if (weightCount <= 0 || weightCount % perInput != 0)
        {
            throw new FormatException($"6=weight_data_size {weightCount} is not a multiple of num_output*kh*kw = {perInput}");
        }

        return conv with { InChannels = weightCount / perInput };
    }
}
