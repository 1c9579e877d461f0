namespace Vsr.Engine.Models;

/// <summary>
/// Writes an SRVGGNetCompact network, given as weight arrays, as ONNX (opset 17) with the same input and output
/// as <see cref="OnnxGraphBuilder"/>: <c>input</c> [N, 3, H, W] RGB 0..1, <c>output</c> [N, 3, sH, sW].
/// Conv → PRelu per block, DepthToSpace (CRD, PixelShuffle's order), plus a nearest Resize of the input.
/// </summary>
public static class SrvggOnnxBuilder
{
    /// <exception cref="ArgumentException">The arrays do not describe such a network.</exception>
    public static byte[] Build(SrvggWeights weights, string graphName = "vsr-srvgg")
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        var graph = new OnnxGraph();
        var x = OnnxGraphBuilder.InputName;
        for (var i = 0; i < weights.Convolutions.Count; i++)
        {
            var conv = weights.Convolutions[i];
            var weight = graph.Constant($"conv{i}.weight", [conv.OutChannels, conv.InChannels, 3, 3], conv.Weight);
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

        var skip = OnnxGraphBuilder.InputName;
        if (weights.Scale > 1)
        {
            graph.Add("DepthToSpace", "shuffle", [x], "shuffle",
                OnnxAttribute.Of("blocksize", (long)weights.Scale), OnnxAttribute.Of("mode", "CRD"));
            x = "shuffle";
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
}
