using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>
/// Sources whose frames are not evenly spaced (variable frame rate, AVI files with dropped frames such as OpenCV's
/// tree.avi) must come out with the same timing, not squeezed onto a constant rate.
/// </summary>
public sealed class VariableFrameRateTests
{
    // 60 frames at 25 fps, but after frame 20 the clock jumps by 0.8 s and after frame 40 by another 0.4 s; the last
    // frame is at 3.56 s, shown for one 0.04 s period.
    [Fact]
    public Task Irregular_frame_timing_survives_chunking_enhancing_and_assembly() =>
        AssertTimingSurvivesAsync("(N*0.04+if(gte(N,20),0.8,0)+if(gte(N,40),0.4,0))", 3.60);

    // As a screen recording or a phone in low light: each chunk starts at a steady 25 fps (the rate ffmpeg guesses for
    // the encoder), then frames come 7 to 33 ms off that grid; the encoder must not round them onto it.
    [Fact]
    public Task Frame_timing_off_the_guessed_rate_grid_is_kept_to_the_millisecond() =>
        AssertTimingSurvivesAsync("(N*0.04+if(gte(mod(N,30),15),0.007*mod(N,5)+0.005,0))", 2.40, gop: 30, chunkSeconds: 1);

    private static async Task AssertTimingSurvivesAsync(string setpts, double expectedDuration, int gop = 10, double chunkSeconds = 0.5)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("vfr.mkv");
        await FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffmpeg,
        [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "60",
            "-vf", $"setpts='{setpts}/TB'", "-fps_mode", "vfr",
            "-c:v", "libx264", "-g", gop.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", source,
        ], CancellationToken.None);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);

        var chunks = new List<EncodedChunk>();
        foreach (var chunk in ChunkPlanner.Plan(video, TimeSpan.FromSeconds(chunkSeconds)))
        {
            var path = scratch.File($"chunk-{chunk.Index}{ChunkTranscoder.ChunkExtension}");
            await ChunkTranscoder.TranscodeAsync(source, video, chunk, new NearestNeighbourEnhancer(), new EncodeOptions(Preset: "ultrafast"), path, null, CancellationToken.None);
            chunks.Add(new EncodedChunk(chunk, path));
        }

        var output = scratch.File("out.mp4");
        await VideoAssembler.AssembleAsync(source, video, chunks, output, CancellationToken.None);

        Assert.True(chunks.Count >= 2, $"expected several chunks, got {chunks.Count}");
        var sourceTimes = await FrameSecondsAsync(source);
        var outputTimes = await FrameSecondsAsync(output);
        Assert.Equal(60, outputTimes.Count);
        for (var i = 0; i < sourceTimes.Count; i++)
        {
            Assert.True(Math.Abs(sourceTimes[i] - outputTimes[i]) < 0.001, $"frame {i}: source {sourceTimes[i]:F4} s, output {outputTimes[i]:F4} s");
        }

        var duration = (await MediaInspector.StreamsAsync(output)).Single(s => s.Type == "video").DurationSeconds!.Value;
        Assert.InRange(duration, expectedDuration - 0.02, expectedDuration + 0.02);
    }

    private static async Task<IReadOnlyList<double>> FrameSecondsAsync(string path)
    {
        var video = await VideoProbe.ProbeAsync(path, CancellationToken.None);
        return video.FramePts.Select(p => (double)(p - video.FramePts[0]) * video.TimeBaseNumerator / video.TimeBaseDenominator).ToList();
    }
}
