namespace Vsr.Engine.Models;

/// <summary>
/// The weights of an SRVGGNetCompact network: convolutions in order, each but the last followed by a PReLU whose
/// per-channel slopes are in <see cref="Slopes"/>; the last convolution has 3·<see cref="Scale"/>² outputs.
/// With <see cref="Unshuffle"/> u &gt; 1 the network runs on the input rearranged to 3·u² channels (PyTorch's
/// pixel_unshuffle order, channel c·u² + dy·u + dx) and the last convolution has 3·u²·s² outputs.
/// </summary>
public sealed record SrvggWeights(IReadOnlyList<SrvggConvolution> Convolutions, IReadOnlyList<float[]> Slopes, int Scale, int Unshuffle = 1)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the arrays do not describe such a network.</summary>
    public void Validate()
    {
        if (Scale is < 1 or > 8)
        {
            throw new ArgumentException($"scale {Scale} is out of range");
        }

        if (Unshuffle is < 1 or > 4)
        {
            throw new ArgumentException($"unshuffle {Unshuffle} is out of range");
        }

        if (Convolutions.Count < 2 || Slopes.Count != Convolutions.Count - 1)
        {
            throw new ArgumentException($"{Convolutions.Count} convolutions need {Convolutions.Count - 1} PReLU slopes, got {Slopes.Count}");
        }

        var channels = 3 * Unshuffle * Unshuffle;
        for (var i = 0; i < Convolutions.Count; i++)
        {
            var conv = Convolutions[i];
            if (conv.InChannels != channels || conv.Weight.Length != conv.OutChannels * conv.InChannels * 9 || conv.Bias.Length != conv.OutChannels)
            {
                throw new ArgumentException($"convolution {i} does not fit: {conv.InChannels}->{conv.OutChannels} after {channels} channels");
            }

            if (i < Slopes.Count && Slopes[i].Length != conv.OutChannels)
            {
                throw new ArgumentException($"PReLU {i} has {Slopes[i].Length} slopes for {conv.OutChannels} channels");
            }

            channels = conv.OutChannels;
        }

        var outputs = 3 * Unshuffle * Unshuffle * Scale * Scale;
        if (channels != outputs)
        {
            throw new ArgumentException($"the last convolution has {channels} outputs; scale {Scale}, unshuffle {Unshuffle} need {outputs}");
        }
    }
}
