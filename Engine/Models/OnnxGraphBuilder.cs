namespace Vsr.Engine.Models;

/// <summary>
/// Turns an ncnn upscaler into an ONNX model (opset 17) with a dynamic input <c>input</c> [N, 3, H, W]
/// (RGB, 0..1) and output <c>output</c>. The mapping follows ncnn's semantics layer by layer.
/// </summary>
public static class OnnxGraphBuilder
{
    public const string InputName = "input";
    public const string OutputName = "output";
    public const string Producer = "vsr";

    /// <summary>
    /// Builds the ONNX bytes. With <paramref name="halveOutput"/> the network's output is downscaled
    /// by 2 (bicubic, a = -0.75, edge-clamped), which is how the x2 variant of a x4 network is defined.
    /// </summary>
    /// <exception cref="InvalidDataException">A layer uses a feature the export does not map.</exception>
    public static byte[] Build(NcnnModel model, bool halveOutput = false)
    {
        var export = new NcnnLayerExport(FindFinalBlob(model), halveOutput ? "network_output" : OutputName, InputName);
        foreach (var layer in model.Layers)
        {
            try
            {
                export.Add(layer);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"layer {layer.Name} ({layer.Type}): {e.Message}", e);
            }
        }

        if (!export.HasInput)
        {
            throw new InvalidDataException("the model has no Input layer");
        }

        if (halveOutput)
        {
            HalfCubicDownscale.Append(export.Graph, "network_output", OutputName);
        }

        return export.Graph.Encode(Producer, halveOutput ? "vsr-halved" : "vsr", InputName, OutputName);
    }

    /// <summary>The one blob no layer consumes is the network's result.</summary>
    private static string FindFinalBlob(NcnnModel model)
    {
        var consumed = model.Layers.SelectMany(layer => layer.Inputs).ToHashSet();
        var finals = model.Layers.SelectMany(layer => layer.Outputs).Where(blob => !consumed.Contains(blob)).ToArray();
        return finals.Length == 1
            ? finals[0]
            : throw new InvalidDataException($"the model must have exactly one output blob, but has {finals.Length}: {string.Join(", ", finals)}");
    }
}
