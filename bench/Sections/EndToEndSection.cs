using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Vsr.Bench.EndToEnd;
using Vsr.Engine.Media;

namespace Vsr.Bench.Sections;

/// <summary>
/// End-to-end job throughput through the embedded cluster: the API (with its one co-hosted silo and one CPU device)
/// runs as a child process; after a short warm-up job has loaded the model session, the clip is uploaded, followed
/// until COMPLETED and its output downloaded to a file. Compared with the raw model fps of the throughput section and
/// with the raw model measured again just before the job (the machine is shared; the load can change between sections).
/// </summary>
public sealed class EndToEndSection : IBenchSection
{
    private const int WarmUpFrames = 6;

    public string Name => "e2e";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var root = Directory.CreateDirectory(Path.Combine(context.WorkDirectory, "e2e")).FullName;
        try
        {
            return await MeasureAsync(context, root, cancellationToken);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task<BenchTable> MeasureAsync(BenchContext context, string root, CancellationToken cancellationToken)
    {
        // Start-up and the warm-up job, then the raw model and the job on every frame, with room for a machine under load.
        // The job runs on the memory section's long clip: the same frames four times over, so the raw model's rate on them is
        // the same, and a job's fixed costs (upload, probe, plan, assembly) weigh as in an 8 s clip rather than a 2 s one.
        var jobClip = await VideoProbe.ProbeAsync(context.LongClip, cancellationToken);
        var timeout = TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(5 * jobClip.FrameCount / context.RawModelFps);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;

        var warmUpClip = Path.Combine(root, "warm-up.mp4");
        await ToolRun.RunAsync("ffmpeg", ["-v", "error", "-i", context.Clip, "-map", "0:v:0", "-frames:v", $"{WarmUpFrames}",
            "-c:v", "libx264", "-preset", "ultrafast", warmUpClip], token);

        var startClock = Stopwatch.StartNew();
        await using var api = await EmbeddedApi.StartAsync(context, Path.Combine(root, "server"), token);
        startClock.Stop();
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = timeout };
        var warmUp = await ApiJobRun.RunAsync(http, warmUpClip, context.Scale, context.Model, root, token);
        double rawBefore;
        using (var device = context.CpuDevice())
        {
            rawBefore = ReferenceRates.RawModelFps(context, device.GetEnhancer(context.Model, context.Scale), token);
        }

        var run = await ApiJobRun.RunAsync(http, context.LongClip, context.Scale, context.Model, root, token);

        var output = await VideoProbe.ProbeAsync(run.OutputFile, token);
        var frames = jobClip.FrameCount;
        if (output.FrameCount != frames || output.Width != context.Video.Width * context.Scale || run.FramesDone != frames)
        {
            throw new InvalidOperationException($"The job's output is {output.Width}x{output.Height} with {output.FrameCount} frames " +
                $"({run.FramesDone} done); expected {frames} frames of {context.Video.Width * context.Scale}x{context.Video.Height * context.Scale}");
        }

        var chunks = await ChunkSecondsAsync(api, run.Id, token);
        return Table(context, frames, run, chunks, rawBefore, startClock.Elapsed, warmUp.Elapsed);
    }

    private BenchTable Table(BenchContext context, int frames, ApiJobRun run, IReadOnlyList<double> chunks, double rawBefore, TimeSpan apiStart, TimeSpan warmUp)
    {
        var raw = context.RawModelFps;
        var total = run.Elapsed.TotalSeconds;
        var fps = frames / total;
        var chunkSeconds = chunks.Sum();
        var processing = (run.CompletedAt - run.ProcessingStartedAt).TotalSeconds;
        string[] Rate(string name, double seconds, double rate) =>
            [name, Bench.Text(seconds, "0.00"), Bench.Text(rate), Bench.Text(rate / raw), Bench.Text(rate / rawBefore)];
        string[] Phase(string name, double seconds) => [$"↳ {name}", Bench.Text(seconds, "0.00"), "", "", ""];
        return new BenchTable(Name, "End to end through the embedded cluster vs the raw model",
            $"{frames} frames of {context.Size} (the clip four times over, as in the memory section), x{context.Scale}, {context.Model}. The API in embedded mode as a child process (one silo, " +
            $"cpu:0, in-memory state, filesystem object store, in-process queue, the run.sh defaults); timed from the upload's first byte " +
            $"to the output file's last byte, after a {WarmUpFrames}-frame warm-up job. Not timed: API start-up {Bench.Text(apiStart.TotalSeconds, "0.0")} s, " +
            $"warm-up job {Bench.Text(warmUp.TotalSeconds, "0.0")} s. Phases from the job snapshot's timestamps (same machine clock); the " +
            $"snapshot has no per-chunk timing, so chunk time comes from the silo's log line. Goal: end to end ≥ 0.9 × raw.",
            ["measure", "seconds", "fps", "× raw (throughput section)", "× raw (just before)"],
            [
                Rate("raw model (ORT session only), throughput section", frames / raw, raw),
                Rate("raw model, measured again just before the job", frames / rawBefore, rawBefore),
                Rate("end to end: upload → COMPLETED → output file", total, fps),
                Phase("upload and queue, until the job grain accepts it", (run.CreatedAt - run.Submitted).TotalSeconds),
                Phase("source fetch, probe, chunk plan", (run.ProcessingStartedAt - run.CreatedAt).TotalSeconds),
                Rate($"↳ {chunks.Count} chunk run(s) on cpu:0 (fetch, decode → model → x264, store; silo log, 0.1 s steps)", chunkSeconds, frames / chunkSeconds),
                Phase("assembly, output probe and store", processing - chunkSeconds),
                Phase("completion reaches the client (SSE)", (run.CompletionSeen - run.CompletedAt).TotalSeconds),
                Phase("download", (run.Downloaded - run.CompletionSeen).TotalSeconds),
            ])
        {
            Figures =
            {
                ["e2e_fps"] = Bench.Round(fps),
                ["e2e_over_raw"] = Bench.Round(fps / raw),
                ["raw_fps_just_before"] = Bench.Round(rawBefore),
                ["e2e_over_raw_just_before"] = Bench.Round(fps / rawBefore),
                ["e2e_seconds"] = Bench.Round(total),
                ["e2e_chunk_seconds"] = Bench.Round(chunkSeconds),
                ["e2e_outside_chunks_seconds"] = Bench.Round(total - chunkSeconds),
                ["api_start_seconds"] = Bench.Round(apiStart.TotalSeconds),
                ["warm_up_job_seconds"] = Bench.Round(warmUp.TotalSeconds),
            },
            Chart = [("raw model", raw), ("end to end", fps)],
        };
    }

    /// <summary>Seconds of each chunk of <paramref name="job"/>, from the line the inference grain logs when a chunk is stored.</summary>
    private static async Task<IReadOnlyList<double>> ChunkSecondsAsync(EmbeddedApi api, Guid job, CancellationToken cancellationToken)
    {
        var line = new Regex($@"Chunk \d+ of job {job}: \d+ frames on \S+ (\(\S+\) )?in (?<seconds>[0-9.]+)s");
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var seconds = api.Log.Select(l => line.Match(l)).Where(m => m.Success)
                .Select(m => double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture)).ToList();
            if (seconds.Count > 0)
            {
                return seconds;
            }

            await Task.Delay(100, cancellationToken); // the log reaches this process through a pipe, a moment after the fact
        }

        throw new InvalidOperationException($"The server logged no chunk line for job {job}: {api.LogTail()}");
    }
}
