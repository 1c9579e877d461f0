using TorchSharp;
using TorchSharp.Modules;
using Vsr.Engine.Models;
using static TorchSharp.torch;

namespace Vsr.Train.Network;

/// <summary>
/// SRVGGNetCompact-style network: conv3x3 + PReLU, <c>Depth</c> more conv3x3 + PReLU at the same width, a last
/// conv3x3 to 3·s² channels, PixelShuffle(s), plus the input upsampled by nearest neighbour, so the body only
/// learns the residual. At scale 1 the shuffle is the identity and the skip is the input itself. With an unshuffle
/// factor u the input is first padded (edge) to a multiple of u and rearranged to 3·u² channels at 1/u resolution,
/// the last convolution has 3·u²·s² channels, PixelShuffle(u·s) restores the size, and the padding is cut off.
/// </summary>
public sealed class CompactUpscaler : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv2d> _convs = new();
    private readonly ModuleList<PReLU> _activations = new();

    public CompactUpscaler(NetworkShape shape) : base("CompactUpscaler")
    {
        shape.Validate();
        Shape = shape;
        var inputs = shape.InputChannels;
        for (var i = 0; i <= shape.Depth; i++)
        {
            _convs.Add(nn.Conv2d(inputs, shape.Width, 3, padding: 1));
            _activations.Add(nn.PReLU(shape.Width, 0.25));
            inputs = shape.Width;
        }

        _convs.Add(nn.Conv2d(shape.Width, shape.OutputChannels, 3, padding: 1));
        RegisterComponents();
    }

    public NetworkShape Shape { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (input.shape[2], input.shape[3]);
        var u = Shape.Unshuffle;
        var x = input;
        if (u > 1)
        {
            var (padBottom, padRight) = ((u - height % u) % u, (u - width % u) % u);
            if (padBottom > 0 || padRight > 0)
            {
                x = nn.functional.pad(x, [0, padRight, 0, padBottom], PaddingModes.Replicate);
            }

            x = nn.functional.pixel_unshuffle(x, u);
        }

        for (var i = 0; i < _activations.Count; i++)
        {
            x = _activations[i].forward(_convs[i].forward(x));
        }

        x = _convs[^1].forward(x);
        var s = Shape.Scale;
        if (u * s > 1)
        {
            x = nn.functional.pixel_shuffle(x, u * s);
        }

        if (u > 1)
        {
            x = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, height * s), TensorIndex.Slice(0, width * s)];
        }

        var skip = s == 1 ? input : nn.functional.interpolate(input, scale_factor: [s, s], mode: InterpolationMode.Nearest);
        return (x + skip).MoveToOuterDisposeScope();
    }

    /// <summary>The weights as plain arrays, in the layout the ONNX builder takes.</summary>
    public SrvggWeights ToWeights()
    {
        var convs = _convs.Select(conv => new SrvggConvolution(
            (int)conv.weight!.shape[1],
            (int)conv.weight.shape[0],
            conv.weight.data<float>().ToArray(),
            conv.bias!.data<float>().ToArray())).ToArray();
        var slopes = _activations.Select(prelu => prelu.weight!.data<float>().ToArray()).ToArray();
        return new SrvggWeights(convs, slopes, Shape.Scale, Shape.Unshuffle);
    }

    /// <summary>Copies weights in from arrays, e.g. another model's, to start training from them.</summary>
    public void LoadWeights(SrvggWeights weights)
    {
        if (weights.Convolutions.Count != _convs.Count || weights.Slopes.Count != _activations.Count || weights.Scale != Shape.Scale || weights.Unshuffle != Shape.Unshuffle)
        {
            throw new ArgumentException($"the weights do not fit {Shape}: {weights.Convolutions.Count} convolutions, scale {weights.Scale}, unshuffle {weights.Unshuffle}");
        }

        using var noGrad = no_grad();
        for (var i = 0; i < _convs.Count; i++)
        {
            var conv = _convs[i];
            conv.weight!.copy_(tensor(weights.Convolutions[i].Weight, conv.weight.shape));
            conv.bias!.copy_(tensor(weights.Convolutions[i].Bias, conv.bias.shape));
        }

        for (var i = 0; i < _activations.Count; i++)
        {
            _activations[i].weight!.copy_(tensor(weights.Slopes[i], _activations[i].weight!.shape));
        }
    }
}
