using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vsr.Bench;
using Vsr.Bench.Sections;
using Vsr.Engine.Media;
using Vsr.Engine.Models;

// Side by side, in one run, on the same frames and the same model: every section below compares methods within the
// run, so the machine's noise touches both sides of each ratio alike. Writes <results>/<stamp>.json and .md.
// Usage: Vsr.Bench --clip FILE --long-clip FILE --models DIR --bundled DIR --results DIR [--scale 2] [--model NAME]
//                  [--quick] [--only a,b] [--command "the command line to record"]
//        Vsr.Bench --pipeline-peak-rss <clip> <models dir> <model> <scale>   (child mode: prints VmHWM in KiB)
if (args.Length > 0 && args[0] == "--pipeline-peak-rss")
{
    Console.WriteLine(await PeakMemory.RunPipelineAsync(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture)));
    return 0;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    var name = args[i].TrimStart('-');
    options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

string Option(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

IBenchSection[] sections =
[
    new ThroughputSection(),
    new MemorySection(),
    new VariantsSection(),
    new EndToEndSection(),
    new ClassicSection(),
    new PeerCliSection(),
    new ScalingSection(),
];
var only = options.TryGetValue("only", out var list) ? list.Split(',').ToHashSet() : null;
var chosen = sections.Where(s => s is ThroughputSection || only is null || only.Contains(s.Name)).ToList();

var clip = Option("clip");
var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);
var work = Directory.CreateTempSubdirectory("vsr-bench-").FullName;
var context = new BenchContext
{
    Clip = clip,
    LongClip = Option("long-clip"),
    Video = video,
    Frames = await RawFrames.ReadAsync(clip, video),
    ModelsDirectory = Path.GetFullPath(Option("models")),
    BundledModelsDirectory = Path.GetFullPath(Option("bundled")),
    Model = options.GetValueOrDefault("model", ModelCatalog.DefaultModel),
    Scale = int.Parse(options.GetValueOrDefault("scale", "2"), CultureInfo.InvariantCulture),
    Quick = options.ContainsKey("quick"),
    WorkDirectory = work,
};

var started = DateTimeOffset.UtcNow;
var tables = new List<BenchTable>();
try
{
    foreach (var section in chosen)
    {
        Console.Error.WriteLine($"bench: {section.Name}");
        var table = await section.RunAsync(context, CancellationToken.None);
        Console.Error.Write(table.ToMarkdown());
        tables.Add(table);
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
var machine = $"{Environment.ProcessorCount} cores, {cpu}";
var command = options.GetValueOrDefault("command", "./bench.sh");
var results = Option("results");
Directory.CreateDirectory(results);
var stamp = started.ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture);

var json = new JsonObject
{
    ["measuredAt"] = started,
    ["command"] = command,
    ["machine"] = machine,
    ["clip"] = Path.GetFileName(clip),
    ["size"] = context.Size,
    ["frames"] = context.Frames.Count,
    ["scale"] = context.Scale,
    ["model"] = context.Model,
    ["quick"] = context.Quick,
    ["sections"] = new JsonArray(tables.Select(t => (JsonNode)new JsonObject
    {
        ["section"] = t.Section,
        ["title"] = t.Title,
        ["note"] = t.Note,
        ["figures"] = JsonSerializer.SerializeToNode(t.Figures),
        ["columns"] = JsonSerializer.SerializeToNode(t.Columns),
        ["rows"] = JsonSerializer.SerializeToNode(t.Rows),
    }).ToArray()),
};
await File.WriteAllTextAsync(Path.Combine(results, $"{stamp}.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

var markdown = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"## Bench {started:yyyy-MM-dd HH:mm} UTC")
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`")
    .AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine}")
    .AppendLine(CultureInfo.InvariantCulture, $"- Clip: {Path.GetFileName(clip)}, {context.Size}, {context.Frames.Count} frames; model {context.Model} x{context.Scale}")
    .AppendLine();
foreach (var table in tables)
{
    markdown.Append(table.ToMarkdown());
    if (ChartWriter.Write(table, results, stamp, machine) is { } chart)
    {
        markdown.AppendLine(CultureInfo.InvariantCulture, $"![{table.Title}]({chart})").AppendLine();
    }
}

await File.WriteAllTextAsync(Path.Combine(results, $"{stamp}.md"), markdown.ToString());
Console.WriteLine(markdown);
return 0;
