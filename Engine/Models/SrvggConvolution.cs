namespace Vsr.Engine.Models;

/// <summary>One 3x3 convolution (padding 1, stride 1) of an SRVGGNetCompact network.</summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="Weight">[out, in, 3, 3], row-major.</param>
/// <param name="Bias">[out].</param>
public sealed record SrvggConvolution(int InChannels, int OutChannels, float[] Weight, float[] Bias);
