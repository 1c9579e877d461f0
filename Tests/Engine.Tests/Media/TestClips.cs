using System.Globalization;
using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>
/// Tiny synthetic clips generated once with ffmpeg for all media tests. Every clip is 64×48, 25 fps, 3 s (75 frames),
/// with a keyframe exactly every 12 frames. The left half of each frame carries its number in two flat grey patches
/// (see <see cref="PatchLevel"/>) so tests can tell exactly which source frame an output frame came from; the right
/// half is testsrc2 so the encoder sees real motion.
/// </summary>
public sealed class TestClips : IAsyncLifetime
{
    public const int Width = 64;
    public const int Height = 48;
    public const int FrameCount = 75;
    public const int KeyframeInterval = 12;

    private readonly ScratchDirectory directory = new();

    /// <summary>H.264 without B-frames, AAC audio, MP4.</summary>
    public string Plain => directory.File("plain.mp4");

    /// <summary>H.264 with x264's default B-frames (pts ≠ dts, an edit list), AAC audio, MP4.</summary>
    public string BFrames => directory.File("bframes.mp4");

    /// <summary>H.264 with B-frames, PCM audio (which MP4 cannot hold) and an SRT subtitle track, Matroska.</summary>
    public string Subtitled => directory.File("subtitled.mkv");

    /// <summary>AAC audio and nothing else.</summary>
    public string AudioOnly => directory.File("audio-only.m4a");

    /// <summary>Frame numbers are written in base <c>PatchBase</c>: low digit top-left, high digit bottom-left.</summary>
    public const int PatchBase = 8;

    /// <summary>
    /// Grey level of a patch showing <paramref name="digit"/>. Levels 25 apart survive two lossy encodes and
    /// colour conversions with room to spare, so frame identity is read back exactly.
    /// </summary>
    public static int PatchLevel(int digit) => 30 + (25 * digit);

    public async Task InitializeAsync()
    {
        var subtitles = directory.File("subtitles.srt");
        await File.WriteAllTextAsync(subtitles, "1\n00:00:00,500 --> 00:00:01,500\nFirst line\n\n2\n00:00:02,000 --> 00:00:02,800\nSecond line\n");

        await Task.WhenAll(
            EncodeAsync(Plain, ["-bf", "0"], extraInput: null, ["-c:a", "aac"]),
            EncodeAsync(BFrames, [], extraInput: null, ["-c:a", "aac"]),
            EncodeAsync(Subtitled, [], extraInput: subtitles, ["-c:a", "pcm_s16le", "-map", "2:s", "-c:s", "srt"]),
            RunFfmpegAsync(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", AudioOnly]));
    }

    public Task DisposeAsync()
    {
        directory.Dispose();
        return Task.CompletedTask;
    }

    private static Task EncodeAsync(string output, string[] videoOptions, string? extraInput, string[] otherOptions)
    {
        var seconds = (FrameCount / 25.0).ToString(CultureInfo.InvariantCulture);
        var patch = $"if(lt(Y,{Height / 2}),30+25*mod(N,{PatchBase}),30+25*floor(N/{PatchBase}))";
        var filter = string.Join(
            ':',
            new[] { "r", "g", "b" }.Select(channel => $"{channel}='if(lt(X,{Width / 2}),{patch},{channel}(X,Y))'"));
        filter = $"[0:v]format=rgb24,geq={filter}[v]";
        var arguments = new List<string>
        {
            "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}",
        };
        if (extraInput is not null)
        {
            arguments.AddRange(["-i", extraInput]);
        }

        arguments.AddRange(["-filter_complex", filter, "-map", "[v]", "-map", "1:a"]);
        arguments.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p"]);
        arguments.AddRange(["-g", KeyframeInterval.ToString(CultureInfo.InvariantCulture), "-sc_threshold", "0"]);
        arguments.AddRange(videoOptions);
        arguments.AddRange(otherOptions);
        arguments.Add(output);
        return RunFfmpegAsync(arguments);
    }

    /// <summary>Runs ffmpeg quietly, overwriting its output; for tests that make clips of their own.</summary>
    public static Task RunFfmpegAsync(IEnumerable<string> arguments) =>
        FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffmpeg, ["-nostdin", "-v", "error", "-y", .. arguments], CancellationToken.None);
}
