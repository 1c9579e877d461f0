using System.Text.Json;
using System.Text.Json.Nodes;
using Vsr.Train.Data;

namespace Vsr.Train.Training;

/// <summary>
/// The JSON card kept beside each exported model: what it is, how it was trained, on what (with licences,
/// credits and hashes), how long it took. The evaluation harness adds its figures under <c>evaluation</c>.
/// </summary>
public static class ModelCard
{
    // Indented, with quotes, apostrophes and '+' written as themselves: the training and the evaluation both write cards,
    // and a card rewritten by either reads the same in a diff.
    private static readonly JsonSerializerOptions FileFormat = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="card"/> to <paramref name="path"/> in the one format every card file has.</summary>
    public static void Write(string path, JsonObject card) => File.WriteAllText(path, card.ToJsonString(FileFormat) + "\n");

    public static JsonObject Create(TrainingSettings settings, CheckpointState state, TrainingSet data, string command, string onnxSha256)
    {
        var recipe = Degradation.DegradationRecipe.Named(settings.Recipe);
        return new JsonObject
        {
            ["name"] = settings.Name,
            ["license"] = "the project's own (same terms as this repository); trained from scratch, no third-party weights",
            ["architecture"] = Architecture(settings.Shape),
            ["scale"] = settings.Shape.Scale,
            ["width"] = settings.Shape.Width,
            ["depth"] = settings.Shape.Depth,
            ["unshuffle"] = settings.Shape.Unshuffle,
            ["onnx"] = new JsonObject { ["file"] = "model.onnx", ["sha256"] = onnxSha256, ["opset"] = 17, ["input"] = "input [N,3,H,W] RGB 0..1", ["output"] = "output [N,3,sH,sW]" },
            ["recipe"] = new JsonObject
            {
                ["loss"] = settings.LossName,
                ["optimizer"] = "Adam",
                ["learningRate"] = settings.LearningRate,
                ["schedule"] = "cosine to 0.1x over the run",
                ["steps"] = settings.Steps,
                ["stopAt"] = settings.StopAt == int.MaxValue ? null : settings.StopAt,
                ["batch"] = settings.BatchSize,
                ["inputPatch"] = settings.PatchSize,
                ["seed"] = settings.Seed,
                ["initFrom"] = settings.InitFrom,
                ["threads"] = settings.Threads,
                ["deterministic"] = settings.Deterministic,
                ["cpuKernels"] = $"oneDNN up to {Native.DeterministicKernels.Current ?? "the machine's best ISA"}",
                ["degradations"] = JsonSerializer.SerializeToNode(recipe),
                ["degradationsName"] = settings.Recipe,
            },
            ["training"] = new JsonObject
            {
                ["stepsDone"] = state.Step,
                ["wallSeconds"] = Math.Round(state.WallSeconds),
                ["finalLoss"] = double.IsFinite(state.RecentLoss) ? state.RecentLoss : null,
                // [step, mean loss since the previous checkpoint] at every checkpoint: `train/models.sh --check` compares a rerun with it.
                ["lossTrace"] = state.LossTrace is { } trace
                    ? new JsonArray(trace.Select(p => (JsonNode)new JsonArray(p.Step, p.Loss)).ToArray())
                    : null,
                ["machine"] = $"{Environment.ProcessorCount} CPU cores, TorchSharp-cpu 0.107.0 (libtorch 2.10.0 CPU)",
                ["command"] = command,
            },
            ["data"] = new JsonArray(data.Records.Select(r => (JsonNode)JsonSerializer.SerializeToNode(r)!).ToArray()),
            ["heldOut"] = "opencv-doc vtest.avi/tree.avi, xine-ui default.mpv, python3-skimage photos: refused by sha256 (train/heldout-hashes.txt)",
        };
    }

    private static string Architecture(Network.NetworkShape shape)
    {
        var body = $"conv3x3+PReLU x{shape.Depth + 1} at width {shape.Width}, conv3x3 to {shape.OutputChannels}, PixelShuffle({shape.Unshuffle * shape.Scale})";
        return shape.Unshuffle == 1
            ? $"SRVGGNetCompact-style: {body}, + nearest-upsampled input"
            : $"SRVGGNetCompact-style on a pixel-unshuffled input: edge pad to a multiple of {shape.Unshuffle}, PixelUnshuffle({shape.Unshuffle}) to {shape.InputChannels} channels, {body}, crop, + {(shape.Scale == 1 ? "the input" : "nearest-upsampled input")}";
    }
}
