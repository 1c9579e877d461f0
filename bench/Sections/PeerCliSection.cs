using System.ComponentModel;
using System.Diagnostics;
using Vsr.Bench.Peer;
using Vsr.Bench.Png;

namespace Vsr.Bench.Sections;

/// <summary>
/// The same model in the reference runtime, realesrgan-ncnn-vulkan on Mesa lavapipe (Vulkan on the CPU), against ours
/// (the service's ONNX Runtime enhancer) on the same crops of the clip's frames, in input pixels per second. The peer
/// is slow on the CPU, so the crops are small. When the peer cannot run, the table says why and the bench goes on.
/// </summary>
public sealed class PeerCliSection : IBenchSection
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Ours repeats the crops until this much time has passed, so its rate is not one short sample.</summary>
    private static readonly TimeSpan OursMinimum = TimeSpan.FromSeconds(1);

    /// <summary>Input pixels the interior agreement leaves out at each border: the peer's own tile padding.</summary>
    private const int InteriorMargin = 10;

    public string Name => "peer";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var work = Directory.CreateDirectory(Path.Combine(context.WorkDirectory, "peer")).FullName;
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
        var crops = Crops(context);
        var (width, height) = (crops[0].Width, crops[0].Height);
        var pixels = (double)crops.Count * width * height;
        var shape = $"{crops.Count} crops of {width}x{height} from {crops.Count / 2} frames";

        using var device = context.CpuDevice();
        var enhancer = device.GetEnhancer(context.Model, context.Scale);
        enhancer.Enhance([crops[0].Pixels], width, height, cancellationToken); // session warm-up on this shape
        var ours = new List<byte[]>();
        var passes = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            ours = crops.Select(c => enhancer.Enhance([c.Pixels], width, height, cancellationToken)[0]).ToList();
            passes++;
        }
        while (clock.Elapsed < OursMinimum);
        clock.Stop();
        var oursRate = passes * pixels / clock.Elapsed.TotalSeconds;

        var peer = NcnnVulkanPeer.Default;
        string? failure = peer.Unavailable(context.Model, context.Scale);
        PeerRun? run = null;
        PeerAgreement? agreement = null;
        if (failure is null)
        {
            try
            {
                (run, agreement) = await RunPeerAsync(peer, context, crops, ours, work, cancellationToken);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or InvalidDataException or IOException or TimeoutException
                                          or NotSupportedException)
            {
                failure = e.Message;
            }
        }

        var oursRow = new[] { $"ours: ONNX Runtime CPU, the service's enhancer ({passes} passes)", Bench.Text(clock.Elapsed.TotalSeconds, "0.00"), Bench.Text(oursRate, "0"), "1" };
        var note = $"{shape}, x{context.Scale}, {context.Model}; rates in input pixels per second.";
        var figures = new Dictionary<string, double> { ["ours_input_pixels_per_second"] = Bench.Round(oursRate) };
        if (run is null || run.SteadySecondsPerPicture is not { } steady)
        {
            figures["peer_ran"] = 0;
            return new BenchTable(Name, "Reference runtime (realesrgan-ncnn-vulkan on lavapipe) vs ours, same crops",
                note + " The peer did not run, so there is no ratio.", ["method", "seconds", "input px/s", "ours ÷ this"],
                [oursRow, [$"peer realesrgan-ncnn-vulkan did not run: {failure ?? "it reported fewer than two pictures done"}", "", "", ""]])
            {
                Figures = figures,
                Chart = [("ours", oursRate)],
                ChartUnit = "input pixels per second",
            };
        }

        var steadyRate = width * height / steady;
        var wholeRate = pixels / run.Elapsed.TotalSeconds;
        figures["peer_ran"] = 1;
        figures["peer_steady_input_pixels_per_second"] = Bench.Round(steadyRate);
        figures["peer_whole_run_input_pixels_per_second"] = Bench.Round(wholeRate);
        figures["ours_over_peer_steady"] = Bench.Round(oursRate / steadyRate);
        figures["ours_vs_peer_psnr_db"] = Bench.Round(agreement!.Psnr);
        if (double.IsFinite(agreement.InteriorPsnr))
        {
            figures["ours_vs_peer_interior_psnr_db"] = Bench.Round(agreement.InteriorPsnr);
        }

        figures["peer_wrapped_sample_share"] = Bench.Round(agreement.WrappedShare);
        return new BenchTable(Name, "Reference runtime (realesrgan-ncnn-vulkan on lavapipe) vs ours, same crops",
            note + $" The peer ran on {run.Device} with its default tiling and a cold private shader cache; its steady rate is taken " +
            "between its first and last per-picture lines, so start-up is left out. PSNR compares the two outputs, over whole crops and " +
            $"without a {InteriorMargin}-pixel input border (the peer reflect-pads borders where ours zero-pads; its x2 ends in ncnn's bicubic " +
            "where ours has an equivalent depthwise filter), leaving out the samples the peer wrapped around (255 where ours is below 128, " +
            "0 where ours is 128 or more): on lavapipe its float → integer conversion wraps outputs just outside 0..1, which saturated " +
            "colours, like this test pattern's, produce often.",
            ["method", "seconds", "input px/s", "ours ÷ this"],
            [
                oursRow,
                [$"peer, steady ({run.DoneAt.Count - 1} pictures after the first)", Bench.Text(steady * (run.DoneAt.Count - 1), "0.00"),
                    Bench.Text(steadyRate, "0"), Bench.Text(oursRate / steadyRate, "0.0")],
                ["peer, whole run (process start, Vulkan init, shader compile, all pictures)", Bench.Text(run.Elapsed.TotalSeconds, "0.00"),
                    Bench.Text(wholeRate, "0"), Bench.Text(oursRate / wholeRate, "0.0")],
                ["agreement: PSNR of ours against the peer, whole crops / interior, dB",
                    $"{Bench.Text(agreement.Psnr, "0.0")} / {Bench.Text(agreement.InteriorPsnr, "0.0")}", "", ""],
                ["peer samples left out as wrapped around", Bench.Text(agreement.WrappedShare * 100, "0.0") + " %", "", ""],
            ])
        {
            Figures = figures,
            Chart = [("ours", oursRate), ("peer steady", steadyRate)],
            ChartUnit = "input pixels per second",
        };
    }

    private static async Task<(PeerRun Run, PeerAgreement Agreement)> RunPeerAsync(NcnnVulkanPeer peer, BenchContext context, IReadOnlyList<RgbImage> crops,
        IReadOnlyList<byte[]> ours, string work, CancellationToken cancellationToken)
    {
        var input = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        var output = Directory.CreateDirectory(Path.Combine(work, "out")).FullName;
        for (var i = 0; i < crops.Count; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(input, $"crop-{i:D2}.png"), PngEncoder.Encode(crops[i]), cancellationToken);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PeerTimeout);
        PeerRun run;
        try
        {
            run = await peer.RunAsync(input, output, context.Model, context.Scale, Path.Combine(work, "scratch"), deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{NcnnVulkanPeer.BinaryName} did not finish {crops.Count} crops within {PeerTimeout.TotalMinutes} minutes");
        }

        var pairs = new List<(byte[] Ours, byte[] Theirs)>();
        for (var i = 0; i < crops.Count; i++)
        {
            var path = Path.Combine(output, $"crop-{i:D2}.png");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The peer wrote no {Path.GetFileName(path)}: {run.Transcript}");
            }

            var theirs = PngDecoder.Decode(await File.ReadAllBytesAsync(path, cancellationToken));
            if (theirs.Pixels.Length != ours[i].Length)
            {
                throw new InvalidOperationException($"The peer's {theirs.Width}x{theirs.Height} output does not match ours in size");
            }

            pairs.Add((ours[i], theirs.Pixels));
        }

        var scale = context.Scale;
        return (run, PeerAgreement.Compare(pairs, crops[0].Width * scale, crops[0].Height * scale, InteriorMargin * scale));
    }

    /// <summary>Two side-by-side crops from the middle of each of a few frames spread over the clip (quick: 64x36 from 2 frames).</summary>
    private static List<RgbImage> Crops(BenchContext context)
    {
        var (frameCount, cropWidth, cropHeight) = context.Quick ? (2, 64, 36) : (4, 128, 72);
        var (width, height) = (context.Video.Width, context.Video.Height);
        (cropWidth, cropHeight) = (Math.Min(cropWidth, width), Math.Min(cropHeight, height));
        var y = (height - cropHeight) / 2;
        var left = Math.Max(0, (width - (2 * cropWidth)) / 2);
        var crops = new List<RgbImage>();
        for (var f = 1; f <= frameCount; f++)
        {
            var frame = context.Frames[f * context.Frames.Count / (frameCount + 1)];
            foreach (var x in new[] { left, Math.Min(left + cropWidth, width - cropWidth) })
            {
                var pixels = new byte[cropWidth * cropHeight * 3];
                for (var row = 0; row < cropHeight; row++)
                {
                    frame.AsSpan((((y + row) * width) + x) * 3, cropWidth * 3).CopyTo(pixels.AsSpan(row * cropWidth * 3));
                }

                crops.Add(new RgbImage(cropWidth, cropHeight, pixels));
            }
        }

        return crops;
    }
}
