using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>
/// Sources whose frames are not evenly spaced (variable frame rate, AVI files with dropped frames such as OpenCV's
/// tree.avi) must come out with the same timing, not squeezed onto a constant rate.
/// </summary>
public sealed class VariableFrameRateTests
{
    [Fact]
    public async Task Irregular_frame_timing_survives_chunking_enhancing_and_assembly()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("vfr.mkv");
        // 60 frames at 25 fps, but after frame 20 the clock jumps by 0.8 s and after frame 40 by another 0.4 s.
        await FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffmpeg,
        [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "60",
            "-vf", "setpts='(N*0.04+if(gte(N,20),0.8,0)+if(gte(N,40),0.4,0))/TB'", "-fps_mode", "vfr",
            "-c:v", "libx264", "-g", "10", "-y", source,
        ], CancellationToken.None);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);

        var chunks = new List<EncodedChunk>();
        foreach (var chunk in ChunkPlanner.Plan(video, TimeSpan.FromSeconds(0.5)))
        {
            var path = scratch.File($"chunk-{chunk.Index}{ChunkTranscoder.ChunkExtension}");
            await ChunkTranscoder.TranscodeAsync(source, video, chunk, new NearestNeighbourEnhancer(), new EncodeOptions(Preset: "ultrafast"), path, null, CancellationToken.None);
            chunks.Add(new EncodedChunk(chunk, path));
        }

        var output = scratch.File("out.mp4");
        await VideoAssembler.AssembleAsync(source, video, chunks, output, CancellationToken.None);

        Assert.True(chunks.Count >= 3, $"expected several chunks, got {chunks.Count}");
        var sourceTimes = await FrameSecondsAsync(source);
        var outputTimes = await FrameSecondsAsync(output);
        Assert.Equal(60, outputTimes.Count);
        for (var i = 0; i < sourceTimes.Count; i++)
        {
            Assert.True(Math.Abs(sourceTimes[i] - outputTimes[i]) < 0.001, $"frame {i}: source {sourceTimes[i]:F4} s, output {outputTimes[i]:F4} s");
        }

        var duration = (await MediaInspector.StreamsAsync(output)).Single(s => s.Type == "video").DurationSeconds!.Value;
        // Last frame at 3.56 s, shown for one 0.04 s period.
        Assert.InRange(duration, 3.60 - 0.02, 3.60 + 0.02);
    }

    private static async Task<IReadOnlyList<double>> FrameSecondsAsync(string path)
    {
        var video = await VideoProbe.ProbeAsync(path, CancellationToken.None);
        return video.FramePts.Select(p => (double)(p - video.FramePts[0]) * video.TimeBaseNumerator / video.TimeBaseDenominator).ToList();
    }
}
