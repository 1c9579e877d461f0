namespace Vsr.Engine.Models;

/// <summary>
/// Writes an SRVGGNetCompact network, given as weight arrays, as ONNX (opset 17) with the same input and output
/// as <see cref="OnnxGraphBuilder"/>: <c>input</c> [N, 3, H, W] RGB 0..1, <c>output</c> [N, 3, sH, sW].
/// Conv → PRelu per block, DepthToSpace (CRD, PixelShuffle's order), plus a nearest Resize of the input.
/// An unshuffled network (u &gt; 1) first pads the input at the bottom and right by edge copies to a multiple of u
/// and applies SpaceToDepth; it ends with DepthToSpace(u·s) and a Slice back to sH × sW.
/// </summary>
public static class SrvggOnnxBuilder
{
    /// <exception cref="ArgumentException">The arrays do not describe such a network.</exception>
    public static byte[] Build(SrvggWeights weights, string graphName = "vsr-srvgg")
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        var graph = new OnnxGraph();
        var u = weights.Unshuffle;
        var x = OnnxGraphBuilder.InputName;
        string? size = null;
        if (u > 1)
        {
            (x, size) = AddUnshuffle(graph, u);
        }

        for (var i = 0; i < weights.Convolutions.Count; i++)
        {
            var conv = weights.Convolutions[i];
            var values = i == 0 && u > 1 ? ToSpaceToDepthOrder(conv, u) : conv.Weight;
            var weight = graph.Constant($"conv{i}.weight", [conv.OutChannels, conv.InChannels, 3, 3], values);
            var bias = graph.Constant($"conv{i}.bias", [conv.OutChannels], conv.Bias);
            var convolved = $"conv{i}";
            graph.Add("Conv", convolved, [x, weight, bias], convolved,
                OnnxAttribute.Of("kernel_shape", 3L, 3L), OnnxAttribute.Of("pads", 1L, 1L, 1L, 1L));
            x = convolved;
            if (i < weights.Slopes.Count)
            {
                var slope = graph.Constant($"prelu{i}.slope", [weights.Slopes[i].Length, 1, 1], weights.Slopes[i]);
                graph.Add("PRelu", $"prelu{i}", [x, slope], $"prelu{i}");
                x = $"prelu{i}";
            }
        }

        var blocks = u * weights.Scale;
        if (blocks > 1)
        {
            graph.Add("DepthToSpace", "shuffle", [x], "shuffle",
                OnnxAttribute.Of("blocksize", (long)blocks), OnnxAttribute.Of("mode", "CRD"));
            x = "shuffle";
        }

        if (size is not null)
        {
            var ends = size;
            if (weights.Scale > 1)
            {
                graph.Add("Mul", "crop.ends", [size, graph.Constant("crop.scale", [(long)weights.Scale])], "crop.ends");
                ends = "crop.ends";
            }

            graph.Add("Slice", "crop", [x, graph.Constant("crop.starts", [0L, 0L]), ends, graph.Constant("crop.axes", [2L, 3L])], "crop");
            x = "crop";
        }

        var skip = OnnxGraphBuilder.InputName;
        if (weights.Scale > 1)
        {
            var scales = graph.Constant("skip.scales", [4], [1f, 1f, weights.Scale, weights.Scale]);
            graph.Add("Resize", "skip", [OnnxGraphBuilder.InputName, string.Empty, scales], "skip",
                OnnxAttribute.Of("mode", "nearest"),
                OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.Of("nearest_mode", "floor"));
            skip = "skip";
        }

        graph.Add("Add", "residual", [x, skip], OnnxGraphBuilder.OutputName);
        return graph.Encode(OnnxGraphBuilder.Producer, graphName, OnnxGraphBuilder.InputName, OnnxGraphBuilder.OutputName);
    }

    // input → edge-pad to a multiple of u → SpaceToDepth(u); returns the rearranged tensor and the input's [H, W].
    private static (string Output, string Size) AddUnshuffle(OnnxGraph graph, int u)
    {
        var input = OnnxGraphBuilder.InputName;
        var block = graph.Constant("unshuffle.block", [(long)u]);
        graph.Add("Shape", "unshuffle.shape", [input], "unshuffle.shape");
        graph.Add("Gather", "unshuffle.size", ["unshuffle.shape", graph.Constant("unshuffle.hw", [2L, 3L])], "unshuffle.size", OnnxAttribute.Of("axis", 0L));
        // (u - size mod u) mod u rows and columns at the bottom and right.
        graph.Add("Mod", "unshuffle.rest", ["unshuffle.size", block], "unshuffle.rest");
        graph.Add("Sub", "unshuffle.short", [block, "unshuffle.rest"], "unshuffle.short");
        graph.Add("Mod", "unshuffle.pad", ["unshuffle.short", block], "unshuffle.pad");
        graph.Add("Concat", "unshuffle.pads", [graph.Constant("unshuffle.begin", [0L, 0L, 0L, 0L, 0L, 0L]), "unshuffle.pad"], "unshuffle.pads",
            OnnxAttribute.Of("axis", 0L));
        graph.Add("Pad", "unshuffle.padded", [input, "unshuffle.pads"], "unshuffle.padded", OnnxAttribute.Of("mode", "edge"));
        graph.Add("SpaceToDepth", "unshuffle", ["unshuffle.padded"], "unshuffle", OnnxAttribute.Of("blocksize", (long)u));
        return ("unshuffle", "unshuffle.size");
    }

    // SpaceToDepth puts block offset (dy, dx) of colour c at channel (dy·u + dx)·3 + c; pixel_unshuffle, which the
    // weights were trained with, at c·u² + dy·u + dx. The first convolution's input channels are reordered to match.
    private static float[] ToSpaceToDepthOrder(SrvggConvolution conv, int u)
    {
        var result = new float[conv.Weight.Length];
        var blocks = u * u;
        for (var o = 0; o < conv.OutChannels; o++)
        {
            for (var offset = 0; offset < blocks; offset++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var from = (o * conv.InChannels + c * blocks + offset) * 9;
                    var to = (o * conv.InChannels + offset * 3 + c) * 9;
                    Array.Copy(conv.Weight, from, result, to, 9);
                }
            }
        }

        return result;
    }
}
