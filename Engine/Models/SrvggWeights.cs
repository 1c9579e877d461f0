namespace Vsr.Engine.Models;

/// <summary>
/// The weights of an SRVGGNetCompact network: convolutions in order, each but the last followed by a PReLU whose
/// per-channel slopes are in <see cref="Slopes"/>; the last convolution has 3·<see cref="Scale"/>² outputs.
/// </summary>
public sealed record SrvggWeights(IReadOnlyList<SrvggConvolution> Convolutions, IReadOnlyList<float[]> Slopes, int Scale)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the arrays do not describe such a network.</summary>
    public void Validate()
    {
        if (Scale is < 1 or > 8)
        {
            throw new ArgumentException($"scale {Scale} is out of range");
        }

        if (Convolutions.Count < 2 || Slopes.Count != Convolutions.Count - 1)
        {
            throw new ArgumentException($"{Convolutions.Count} convolutions need {Convolutions.Count - 1} PReLU slopes, got {Slopes.Count}");
        }

        var channels = 3;
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

        if (channels != 3 * Scale * Scale)
        {
            throw new ArgumentException($"the last convolution has {channels} outputs; scale {Scale} needs {3 * Scale * Scale}");
        }
    }
}
