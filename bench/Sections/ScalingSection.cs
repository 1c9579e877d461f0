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
    private static readonly TimeSpan FrameLatency = TimeSpan.FromMilliseconds(20);
    private static readonly (short Silos, int DevicesPerSilo)[] Layouts = [(1, 1), (1, 2), (1, 4), (2, 4), (4, 4)];

    public string Name => "scaling";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Quick: chunks of about 2 s of video. Full: 10 s, the default Vsr:Jobs:ChunkSeconds.
        var (framesPerChunk, waves) = context.Quick ? (48, 3) : (10 * FrameRate, 4);
        var hold = FrameLatency * framesPerChunk;
        // Chunks start on keyframes at least this long apart; just under the keyframe interval gives one chunk per GOP.
        var chunkSeconds = (framesPerChunk - 0.5) / FrameRate;
        var directory = Directory.CreateDirectory(Path.Combine(context.WorkDirectory, "scaling")).FullName;
        var clips = await MakeClipsAsync(directory, framesPerChunk,
            [framesPerChunk, .. Layouts.Select(l => waves * l.Silos * l.DevicesPerSilo * framesPerChunk)], cancellationToken);

        var rows = new List<IReadOnlyList<string>>();
        var chart = new List<(string, double)>();
        var figures = new Dictionary<string, double>();
        foreach (var (silos, perSilo) in Layouts)
        {
            var devices = silos * perSilo;
            var timeout = TimeSpan.FromSeconds(60) + hold * waves * 4;
            await using var cluster = await SimulatedCluster.StartAsync(silos, perSilo, FrameLatency, chunkSeconds,
                Path.Combine(directory, $"{silos}x{perSilo}"));
            if (rows.Count == 0)
            {
                // The first job in this process compiles the job and chunk paths; it is not the one timed.
                await cluster.RunJobAsync(await cluster.StoreAsync(clips[framesPerChunk], cancellationToken), timeout, cancellationToken);
            }

            var source = await cluster.StoreAsync(clips[waves * devices * framesPerChunk], cancellationToken);
            await cluster.PrepareAsync(source, framesPerChunk, cancellationToken);
            var run = await cluster.RunJobAsync(source, timeout, cancellationToken);
            if (run.DevicesUsed != devices)
            {
                throw new InvalidOperationException($"The timed job used {run.DevicesUsed} of {devices} simulated devices.");
            }

            var dispatch = run.Dispatch;
            var fps = run.Frames / dispatch.Seconds;
            var linear = devices / FrameLatency.TotalSeconds;
            var efficiency = fps / linear;
            var label = $"{silos} silo{(silos > 1 ? "s" : "")} × {perSilo} sim";
            rows.Add(
            [
                label, devices.ToString(CultureInfo.InvariantCulture), $"{run.Frames} / {run.Chunks}", Bench.Text(dispatch.Seconds),
                Bench.Text(fps, "0.0"), Bench.Text(linear, "0.0"), Bench.Text(efficiency),
                Bench.Text((dispatch.MeanCallSeconds - hold.TotalSeconds) * 1000, "0.0"), Bench.Text(dispatch.MeanIdleSeconds * 1000, "0.0"),
                Bench.Text(dispatch.Cores, "0.00"), Bench.Text(run.JobSeconds, "0.0"),
            ]);
            chart.Add((label, fps));
            figures[$"scaling_fps_{devices}"] = Bench.Round(fps);
            figures[$"scaling_efficiency_{devices}"] = Bench.Round(efficiency);
            Console.Error.WriteLine($"bench: scaling {label}: {fps:F1} fps, {efficiency:F3} × linear (simulated devices)");
        }

        Console.Error.WriteLine($"bench: scaling took {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
        var note = $"SIMULATED devices (`sim:N`, `Vsr:Simulation:FrameLatency` = {FrameLatency.TotalMilliseconds:0} ms per frame): no model runs. " +
            $"A device holds each {framesPerChunk}-frame chunk for frames × latency ({hold.TotalSeconds:0.##} s) without using the CPU, " +
            "then copies a grey placeholder chunk that each silo encodes once, so decode and encode are not measured. " +
            "Silos are in-process (in-memory transport), grain state in memory, a filesystem object store. " +
            $"Timed: the dispatch phase of one job of {waves} chunks per device, from its first chunk call to its last chunk reply. " +
            "Before it, as after a silo's first chunks, every silo has probed the source, encoded its placeholder and activated its device grains, " +
            "and one untimed job has warmed the process up. The job's own probe and plan and the final assembly are outside the span; " +
            "the last column, submission to COMPLETED, includes them. Linear = devices / latency. " +
            "Where the rest goes: *call − hold* is a chunk call's mean round trip beyond its hold (grain messaging, the device's file work, " +
            "timer lateness), *device idle* the mean wait of a device between a reply and its next chunk (the job grain's share), " +
            "*CPU* the cores this process (all silos) used meanwhile. Goal: ≥ 0.9 × linear at 16 devices.";
        return new BenchTable(Name, "Scheduler scaling on simulated devices", note,
            ["layout", "devices", "frames / chunks", "dispatch s", "fps", "linear fps", "× linear", "call − hold ms", "device idle ms", "CPU", "job wall s"],
            rows)
        {
            Figures = figures,
            Chart = chart,
        };
    }

    /// <summary>
    /// Flat grey clips of each frame count, with a keyframe every <paramref name="framesPerChunk"/> frames so that every
    /// chunk is the same; one ffmpeg run writes them all.
    /// </summary>
    private static async Task<Dictionary<int, string>> MakeClipsAsync(string directory, int framesPerChunk, IEnumerable<int> frameCounts,
        CancellationToken cancellationToken)
    {
        var gop = framesPerChunk.ToString(CultureInfo.InvariantCulture);
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
