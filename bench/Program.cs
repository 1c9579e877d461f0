using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Bench;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Models;

// Side-by-side, in one run, on the same frames and the same model session:
//  1. raw model throughput — frames already in memory, only the ONNX Runtime calls are timed;
//  2. the streaming chunk pipeline — ffmpeg decode → model → libx264 encode, overlapped, as a chunk runs in a job.
//  3. memory: peak RSS of the pipeline for a clip and for the same content 4x longer, each in its own process.
// Usage: Vsr.Bench <clip> <models dir> <results dir> [scale] [long clip]
//        Vsr.Bench --pipeline-peak-rss <clip> <models dir> [scale]   (child mode: prints VmHWM in KiB)
if (args[0] == "--pipeline-peak-rss")
{
    Console.WriteLine(await PeakMemory.RunPipelineAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)));
    return;
}

var clip = args[0];
var models = args[1];
var results = args[2];
var scale = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;

var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);
using var device = new InferenceDevice(new DeviceId("cpu", 0), new ModelCatalog(new ModelCatalogOptions { Directory = models }),
    new InferenceOptions(), NullLoggerFactory.Instance);
var enhancer = device.GetEnhancer(ModelCatalog.DefaultModel, scale);
var frames = await RawFrames.ReadAsync(clip, video);

enhancer.Enhance(frames.Take(1).ToList(), video.Width, video.Height, CancellationToken.None); // session warm-up
var raw = Stopwatch.StartNew();
foreach (var batch in frames.Chunk(enhancer.PreferredBatchSize))
{
    enhancer.Enhance(batch, video.Width, video.Height, CancellationToken.None);
}

raw.Stop();

var output = Path.Combine(Path.GetTempPath(), $"vsr-bench-{Guid.NewGuid():N}{ChunkTranscoder.ChunkExtension}");
var pipeline = Stopwatch.StartNew();
await ChunkTranscoder.TranscodeAsync(clip, video, new ChunkSpan(0, 0, video.FrameCount), enhancer, new EncodeOptions(), output, null, CancellationToken.None);
pipeline.Stop();
File.Delete(output);

var longClip = args.Length > 4 ? args[4] : null;
var shortPeak = longClip is null ? 0 : await PeakMemory.MeasureAsync(clip, models, scale);
var longPeak = longClip is null ? 0 : await PeakMemory.MeasureAsync(longClip, models, scale);

var rawFps = frames.Count / raw.Elapsed.TotalSeconds;
var pipelineFps = video.FrameCount / pipeline.Elapsed.TotalSeconds;
var result = new BenchResult(
    DateTimeOffset.UtcNow, Environment.MachineName, Environment.ProcessorCount, Path.GetFileName(clip),
    $"{video.Width}x{video.Height}", video.FrameCount, scale, ModelCatalog.DefaultModel, device.ExecutionProvider,
    Math.Round(rawFps, 3), Math.Round(pipelineFps, 3), Math.Round(pipelineFps / rawFps, 3),
    shortPeak / 1024, longPeak / 1024, longPeak > 0 ? Math.Round((double)longPeak / shortPeak, 3) : 0);

Directory.CreateDirectory(results);
var stamp = result.MeasuredAt.ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture);
await File.WriteAllTextAsync(Path.Combine(results, $"{stamp}.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
await File.WriteAllTextAsync(Path.Combine(results, $"{stamp}.md"), result.ToMarkdown());
Console.WriteLine(result.ToMarkdown());
