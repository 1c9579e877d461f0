using System.Diagnostics;
using System.Globalization;
using Vsr.Bench.Classic;
using Vsr.Bench.Png;
using Vsr.Engine.Media;

namespace Vsr.Bench.Sections;

/// <summary>
/// The classic way to upscale a video, done honestly: ffmpeg writes every frame as a PNG file; each file is read,
/// decoded, run alone through a plain fp32 ONNX Runtime session (default options, batch 1, whole frame) and written
/// back as PNG; ffmpeg then encodes the PNG sequence with libx264 at the pipeline's own settings. Compared with the
/// streaming chunk pipeline run right after it on the same clip (and with the throughput section's figure). Neither
/// side's clock includes loading the model: both warm their session on one frame first.
/// </summary>
public sealed class ClassicSection : IBenchSection
{
    public string Name => "classic";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var work = Directory.CreateDirectory(Path.Combine(context.WorkDirectory, "classic")).FullName;
        try
        {
            return await MeasureAsync(context, work, cancellationToken);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<BenchTable> MeasureAsync(BenchContext context, string work, CancellationToken cancellationToken)
    {
        var video = context.Video;
        var extracted = Directory.CreateDirectory(Path.Combine(work, "frames")).FullName;
        var enhanced = Directory.CreateDirectory(Path.Combine(work, "enhanced")).FullName;
        var output = Path.Combine(work, "classic.mp4");
        var encode = new EncodeOptions();

        using var upscaler = new PlainOnnxUpscaler(context.Catalog().GetOnnxPath(context.Model, context.Scale), context.Scale);
        upscaler.Upscale(new RgbImage(video.Width, video.Height, context.Frames[0])); // session warm-up, as on our side
        using var device = context.CpuDevice();
        var enhancer = device.GetEnhancer(context.Model, context.Scale);
        enhancer.Enhance(context.Frames.Take(1).ToList(), video.Width, video.Height, cancellationToken);

        var (extract, decode, model, write, x264) = (new Stopwatch(), new Stopwatch(), new Stopwatch(), new Stopwatch(), new Stopwatch());
        var total = Stopwatch.StartNew();
        extract.Start();
        await ToolRun.RunAsync("ffmpeg", ["-v", "error", "-i", context.Clip, "-map", "0:v:0", "-fps_mode", "passthrough", "-pix_fmt", "rgb24",
            Path.Combine(extracted, "%06d.png")], cancellationToken);
        extract.Stop();

        var files = Directory.GetFiles(extracted, "*.png").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            decode.Start();
            var frame = PngDecoder.Decode(await File.ReadAllBytesAsync(file, cancellationToken));
            decode.Stop();
            model.Start();
            var result = upscaler.Upscale(frame);
            model.Stop();
            write.Start();
            await File.WriteAllBytesAsync(Path.Combine(enhanced, Path.GetFileName(file)), PngEncoder.Encode(result), cancellationToken);
            write.Stop();
        }

        x264.Start();
        await ToolRun.RunAsync("ffmpeg", ["-v", "error", "-framerate", $"{video.FrameRateNumerator}/{video.FrameRateDenominator}",
            "-i", Path.Combine(enhanced, "%06d.png"), "-c:v", "libx264", "-preset", encode.Preset,
            "-crf", encode.Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", output], cancellationToken);
        x264.Stop();
        total.Stop();
        var ours = await ReferenceRates.PipelineFpsAsync(context, enhancer, cancellationToken);

        var encoded = await VideoProbe.ProbeAsync(output, cancellationToken);
        if (files.Count != context.Frames.Count || encoded.FrameCount != context.Frames.Count)
        {
            throw new InvalidOperationException($"The classic run made {files.Count} PNG frames and a {encoded.FrameCount}-frame video from {context.Frames.Count} frames");
        }

        var frames = context.Frames.Count;
        var classicFps = frames / total.Elapsed.TotalSeconds;
        var earlier = context.PipelineFps;
        string[] Stage(string name, Stopwatch watch) =>
            [$"↳ {name}", Bench.Text(watch.Elapsed.TotalSeconds, "0.00"), Bench.Text(frames / watch.Elapsed.TotalSeconds), ""];
        return new BenchTable(Name, "Classic frame-by-frame method vs the streaming chunk pipeline",
            $"{frames} frames of {context.Size}, x{context.Scale}, {context.Model}; classic: ffmpeg → PNG files → own PNG decoder → plain fp32 ORT " +
            $"session (default SessionOptions, batch 1, whole frame) → own PNG encoder (adaptive filters, zlib fastest) → ffmpeg libx264 " +
            $"{encode.Preset} crf {encode.Crf}. Ours: the streaming chunk pipeline on the same clip, run right after the classic method " +
            "(and, for reference, the throughput section's figure from earlier in this run). Goal: ours ≥ 2 × classic.",
            ["method", "seconds", "fps", "× classic"],
            [
                ["classic (PNG frames on disk, one frame per model call)", Bench.Text(total.Elapsed.TotalSeconds, "0.00"), Bench.Text(classicFps), "1"],
                Stage("ffmpeg decode → PNG files", extract),
                Stage("read + PNG decode", decode),
                Stage("model (plain session)", model),
                Stage("PNG encode + write", write),
                Stage("ffmpeg PNG files → libx264", x264),
                ["ours: streaming chunk pipeline, right after (decode → model → x264)", Bench.Text(frames / ours, "0.00"), Bench.Text(ours), Bench.Text(ours / classicFps)],
                ["ours: streaming chunk pipeline, throughput section", Bench.Text(frames / earlier, "0.00"), Bench.Text(earlier), Bench.Text(earlier / classicFps)],
            ])
        {
            Figures =
            {
                ["classic_fps"] = Bench.Round(classicFps),
                ["classic_seconds"] = Bench.Round(total.Elapsed.TotalSeconds),
                ["classic_model_seconds"] = Bench.Round(model.Elapsed.TotalSeconds),
                ["classic_io_seconds"] = Bench.Round((total.Elapsed - model.Elapsed).TotalSeconds),
                ["pipeline_fps"] = Bench.Round(ours),
                ["pipeline_over_classic"] = Bench.Round(ours / classicFps),
                ["throughput_pipeline_over_classic"] = Bench.Round(earlier / classicFps),
            },
            Chart = [("classic frame by frame", classicFps), ("chunk pipeline", ours)],
        };
    }
}
