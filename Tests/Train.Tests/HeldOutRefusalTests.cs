using Vsr.Train.Data;

namespace Vsr.Train.Tests;

/// <summary>
/// Uses xine-ui's default.mpv (a 1.7 MB package, fetched with apt-get download into the shared training cache):
/// the smallest of the held-out clips.
/// </summary>
public sealed class HeldOutRefusalTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("vsr-heldout-test-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Training_refuses_a_held_out_clip_renamed_by_its_file_hash()
    {
        var clip = HeldOutClip();
        var images = Directory.CreateDirectory(Path.Combine(_scratch, "images")).FullName;
        File.Copy(clip, Path.Combine(images, "holiday.mpg"));

        var refusal = Assert.Throws<HeldOutDataException>(() => TrainingSet.FromDirectory(images, Path.Combine(_scratch, "cache"), HeldOutGuard.Load()));
        Assert.Contains("default.mpv", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_refuses_a_held_out_frame_saved_as_png_by_its_pixel_hash()
    {
        var clip = HeldOutClip();
        var images = Directory.CreateDirectory(Path.Combine(_scratch, "images")).FullName;
        FfmpegPipe.Run(["-i", clip, "-frames:v", "1", Path.Combine(images, "still.png")]);

        var refusal = Assert.Throws<HeldOutDataException>(() => TrainingSet.FromDirectory(images, Path.Combine(_scratch, "cache"), HeldOutGuard.Load()));
        Assert.Contains("default.mpv#0", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_hash_list_covers_every_held_out_source()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "train", HeldOutGuard.ListFileName));
        foreach (var (_, path) in HeldOutData.Videos.Concat(HeldOutData.Photos))
        {
            Assert.Contains(lines, line => line.Contains($" file ", StringComparison.Ordinal) && line.EndsWith(":" + Path.GetFileName(path), StringComparison.Ordinal));
        }
    }

    private static string HeldOutClip() =>
        DebianPackage.Fetch("xine-ui", RepositoryPaths.TrainCache).PathOf("usr/share/xine/visuals/default.mpv");
}
