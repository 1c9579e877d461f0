using System.Text.Json;
using Vsr.Engine.Quality;
using Vsr.Train.Data;
using Vsr.Train.Degradation;

namespace Vsr.Train.Evaluation;

/// <summary>
/// Writes the artefact-removal data as luma planes for a trainer outside this tool (a GPU experiment,
/// docs/deblock-experiments.md): the recipe's synthetic x264 clips, and, in a file of its own, the evaluation's crf-40
/// frames of the held-out clips, which are for scoring only. Every plane is BT.601 Y (<see cref="FrameQuality.LumaY"/>,
/// as the evaluation scores it) rounded to a byte, row-major; <c>meta.json</c> gives the shapes.
/// </summary>
public static class LumaExport
{
    public static void Run(TrainingSet photos, string cacheDirectory, string recipeName, int seed, int clipCount, int frameStep, string output)
    {
        var frames = WriteClips(new ClipSequenceSource(photos, DegradationRecipe.Named(recipeName), seed), clipCount, frameStep, output);
        var meta = new
        {
            recipe = recipeName,
            seed,
            clips = clipCount,
            size = ClipSequenceSource.Size,
            frames,
            eval = WriteHeldOut(cacheDirectory, output),
        };
        File.WriteAllText(Path.Combine(output, "meta.json"), JsonSerializer.Serialize(meta, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Clips 0 to <paramref name="clipCount"/> − 1, every <paramref name="frameStep"/>-th usable frame of each:
    /// <c>train-clean.u8</c> and <c>train-crf.u8</c>, [clip, frame, y, x]. Returns the frame indices written.
    /// </summary>
    public static int[] WriteClips(ClipSequenceSource source, int clipCount, int frameStep, string output)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameStep);
        Directory.CreateDirectory(output);
        var frames = Enumerable.Range(ClipSequenceSource.FirstUsableFrame, ClipSequenceSource.Frames - ClipSequenceSource.FirstUsableFrame)
            .Where((_, i) => i % frameStep == 0).ToArray();
        using var clean = File.Create(Path.Combine(output, "train-clean.u8"));
        using var compressed = File.Create(Path.Combine(output, "train-crf.u8"));
        for (var id = 0; id < clipCount; id++)
        {
            var clip = source.Get(id, 1);
            foreach (var f in frames)
            {
                clean.Write(Luma(clip.Clean[f]));
                compressed.Write(Luma(clip.Compressed[f]));
            }

            Console.Error.Write($"\rclip {id + 1}/{clipCount}");
        }

        Console.Error.WriteLine();
        return frames;
    }

    private static List<object> WriteHeldOut(string cacheDirectory, string output)
    {
        var scored = new List<object>();
        foreach (var clip in HeldOutClip.All)
        {
            // As QualityEvaluation scores crf 40: the first 30 frames through x264, four of them kept.
            var sequence = Math.Min(clip.FrameCount(cacheDirectory), 30);
            var head = clip.Frames(cacheDirectory, Enumerable.Range(0, sequence).ToArray());
            var keep = Enumerable.Range(0, 4).Select(i => (int)((i + 0.5) * sequence / 4)).ToArray();
            var x264 = FrameFilters.X264(head, QualityEvaluation.GoalCrf);
            File.WriteAllBytes(Path.Combine(output, $"eval-{clip.Name}-clean.u8"), keep.SelectMany(i => Luma(head[i].Pixels)).ToArray());
            File.WriteAllBytes(Path.Combine(output, $"eval-{clip.Name}-crf.u8"), keep.SelectMany(i => Luma(x264[i].Pixels)).ToArray());
            scored.Add(new { name = clip.Name, width = head[0].Width, height = head[0].Height, frames = keep });
        }

        return scored;
    }

    /// <summary>BT.601 Y of packed RGB24, rounded to a byte.</summary>
    public static byte[] Luma(byte[] rgb) => FrameQuality.Luma(rgb).Select(y => (byte)Math.Clamp(Math.Round(y), 0, 255)).ToArray();
}
