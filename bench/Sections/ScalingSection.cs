using System.Diagnostics;
using System.Globalization;

namespace Vsr.Bench.Sections;

/// <summary>
/// Scheduler scaling on SIMULATED devices, 1 → 16 devices over 1 → 4 silos. A simulated device holds each chunk for
/// frames × <see cref="FrameLatency"/> without using the CPU and then copies a grey placeholder chunk encoded once per
/// silo, so a perfect scheduler reaches devices / latency frames per second whatever this machine's cores can do.
/// Per layout: a fresh cluster, prepared as after its first chunks (see <see cref="SimulatedCluster.PrepareAsync"/>),
/// then one job of <c>waves × devices</c> equal chunks, timed from the job's first chunk call to its last chunk reply.
/// </summary>
public sealed class ScalingSection : IBenchSection
{
    private const int FrameRate = 25;
    private const int FramesPerChunk = 24;
    private static readonly TimeSpan FrameLatency = TimeSpan.FromMilliseconds(20);
    private static readonly (short Silos, int DevicesPerSilo)[] Layouts = [(1, 1), (1, 2), (1, 4), (2, 4), (4, 4)];

    public string Name => "scaling";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var waves = context.Quick ? 4 : 12;
        var chunkHold = FrameLatency * FramesPerChunk;
        // Chunks start on keyframes at least this long apart; just under the keyframe interval gives one chunk per GOP.
        var chunkSeconds = (FramesPerChunk - 0.5) / FrameRate;
        var directory = Directory.CreateDirectory(Path.Combine(context.WorkDirectory, "scaling")).FullName;
        var clips = await MakeClipsAsync(directory,
            [FramesPerChunk, .. Layouts.Select(l => waves * l.Silos * l.DevicesPerSilo * FramesPerChunk)], cancellationToken);

        var rows = new List<IReadOnlyList<string>>();
        var chart = new List<(string, double)>();
        var figures = new Dictionary<string, double>();
        foreach (var (silos, perSilo) in Layouts)
        {
            var devices = silos * perSilo;
            var timeout = TimeSpan.FromSeconds(60) + chunkHold * waves * 4;
            await using var cluster = await SimulatedCluster.StartAsync(silos, perSilo, FrameLatency, chunkSeconds,
                Path.Combine(directory, $"{silos}x{perSilo}"));
            if (rows.Count == 0)
            {
                // The first job in this process compiles the job and chunk paths; it is not the one timed.
                await cluster.RunJobAsync(await cluster.StoreAsync(clips[FramesPerChunk], cancellationToken), timeout, cancellationToken);
            }

            var source = await cluster.StoreAsync(clips[waves * devices * FramesPerChunk], cancellationToken);
            await cluster.PrepareAsync(source, FramesPerChunk, cancellationToken);
            var run = await cluster.RunJobAsync(source, timeout, cancellationToken);
            if (run.DevicesUsed != devices)
            {
                throw new InvalidOperationException($"The timed job used {run.DevicesUsed} of {devices} simulated devices.");
            }

            var fps = run.Frames / run.DispatchSeconds;
            var linear = devices / FrameLatency.TotalSeconds;
            var efficiency = fps / linear;
            var label = $"{silos} silo{(silos > 1 ? "s" : "")} × {perSilo} sim";
            rows.Add(
            [
                label, devices.ToString(CultureInfo.InvariantCulture), $"{run.Frames} / {run.Chunks}", Bench.Text(run.DispatchSeconds),
                Bench.Text(fps, "0.0"), Bench.Text(linear, "0.0"), Bench.Text(efficiency), Bench.Text(run.JobSeconds, "0.0"),
            ]);
            chart.Add((label, fps));
            figures[$"scaling_fps_{devices}"] = Bench.Round(fps);
            figures[$"scaling_efficiency_{devices}"] = Bench.Round(efficiency);
            Console.Error.WriteLine($"bench: scaling {label}: {fps:F1} fps, {efficiency:F3} × linear (simulated devices)");
        }

        var note = $"SIMULATED devices (`sim:N`, `Vsr:Simulation:FrameLatency` = {FrameLatency.TotalMilliseconds:0} ms per frame): no model runs. " +
            $"A device holds each chunk for frames × latency ({chunkHold.TotalMilliseconds:0} ms per {FramesPerChunk}-frame chunk) without using the CPU, " +
            "then copies a grey placeholder chunk that each silo encodes once, so decode and encode are not measured. " +
            "Silos are in-process (in-memory transport), grain state in memory, a filesystem object store. " +
            $"Timed: the dispatch phase of one job of {waves} chunks per device, from its first chunk call to its last chunk reply, " +
            "Before it, as after a silo's first chunks, every silo has probed the source, encoded its placeholder and activated its device grains, " +
            "and one untimed job has warmed the process up. The job's own probe and plan and the final assembly are outside the span; " +
            "the last column, submission to COMPLETED, includes them. " +
            "Linear = devices / latency. Goal: ≥ 0.9 × linear at 16 devices.";
        return new BenchTable(Name, "Scheduler scaling on simulated devices", note,
            ["layout", "devices", "frames / chunks", "dispatch s", "fps", "linear fps", "× linear", "job wall s"], rows)
        {
            Figures = figures,
            Chart = chart,
        };
    }

    /// <summary>
    /// Flat grey clips of each frame count, with a keyframe every <see cref="FramesPerChunk"/> frames so that every
    /// chunk is the same; one ffmpeg run writes them all.
    /// </summary>
    private static async Task<Dictionary<int, string>> MakeClipsAsync(string directory, IEnumerable<int> frameCounts, CancellationToken cancellationToken)
    {
        var gop = FramesPerChunk.ToString(CultureInfo.InvariantCulture);
        var clips = frameCounts.Distinct().ToDictionary(n => n, n => Path.Combine(directory, $"grey-{n}.mp4"));
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        List<string> arguments = ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", $"color=c=gray:size=64x36:rate={FrameRate}"];
        foreach (var (frames, path) in clips)
        {
            arguments.AddRange(["-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast"]);
            arguments.AddRange(["-pix_fmt", "yuv420p", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", path]);
        }

        arguments.ForEach(start.ArgumentList.Add);
        using var ffmpeg = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start.");
        var errors = await ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
        await ffmpeg.WaitForExitAsync(cancellationToken);
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make the scaling clips: {errors}");
        }

        return clips;
    }
}
