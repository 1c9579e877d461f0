using System.Text.Json.Nodes;
using Vsr.Train.Training;

namespace Vsr.Train.Evaluation;

/// <summary>Copies each of our models' figures (and the baselines beside them) into its card's <c>evaluation</c>.</summary>
public static class ModelCardEvaluation
{
    public static void Update(string modelsDirectory, IReadOnlyList<MethodResult> results, string command)
    {
        foreach (var name in new[] { "real-x2", "real-x4", "denoise-x1", "deblock-x1" })
        {
            var card = Path.Combine(modelsDirectory, name, "card.json");
            if (!File.Exists(card))
            {
                continue;
            }

            var tasks = results.Where(r => r.Method == name).Select(r => r.Task).Distinct().ToList();
            var evaluation = new JsonObject { ["command"] = command, ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["report"] = "docs/quality.md" };
            foreach (var task in tasks)
            {
                var rows = results.Where(r => r.Task == task).GroupBy(r => r.Method).ToDictionary(
                    g => g.Key,
                    g => (JsonNode)new JsonObject
                    {
                        ["psnrY"] = Math.Round(g.Average(r => r.Score.PsnrY), 3),
                        ["ssimY"] = Math.Round(g.Average(r => r.Score.SsimY), 4),
                        ["psnrRgb"] = Math.Round(g.Average(r => r.Score.PsnrRgb), 3),
                        ["ssimRgb"] = Math.Round(g.Average(r => r.Score.SsimRgb), 4),
                        ["msPerFrame"] = Math.Round(g.Average(r => r.MillisecondsPerFrame)),
                        ["clips"] = new JsonArray(g.Select(r => (JsonNode)r.Clip).ToArray()),
                    });
                evaluation[task] = new JsonObject(rows!);
            }

            evaluation["goals"] = new JsonArray(QualityReport.Goals(results).Select(g => (JsonNode)g).ToArray());
            var node = JsonNode.Parse(File.ReadAllText(card))!.AsObject();
            node["evaluation"] = evaluation;
            ModelCard.Write(card, node);
        }
    }
}
