using System.Text;
using Vsr.Bench.Png;

namespace Vsr.Bench.Tests.Png;

public sealed class PngCodecTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("vsr-png-tests-");

    public void Dispose() => _temp.Delete(recursive: true);

    public static TheoryData<PngFilter?> Filters => [null, PngFilter.None, PngFilter.Sub, PngFilter.Up, PngFilter.Average, PngFilter.Paeth];

    [Fact]
    public void The_checksum_matches_the_published_check_values()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xAE426082u, Crc32.Compute(Encoding.ASCII.GetBytes("IEND")));
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public void Every_filter_round_trips_a_picture_exactly(PngFilter? filter)
    {
        var picture = Noisy(37, 11);

        var decoded = PngDecoder.Decode(PngEncoder.Encode(picture, filter));

        Assert.Equal((picture.Width, picture.Height), (decoded.Width, decoded.Height));
        Assert.Equal(picture.Pixels, decoded.Pixels);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Ffmpeg_reads_exactly_the_pixels_the_encoder_wrote(PngFilter? filter)
    {
        var picture = Noisy(33, 17);
        var path = Path.Combine(_temp.FullName, "ours.png");
        await File.WriteAllBytesAsync(path, PngEncoder.Encode(picture, filter));

        Assert.Equal(picture.Pixels, await FfmpegRgbAsync(path, picture.Width * picture.Height * 3));
    }

    [Fact]
    public async Task A_png_written_by_ffmpeg_decodes_to_the_pixels_ffmpeg_sees()
    {
        var path = Path.Combine(_temp.FullName, "ffmpeg.png");
        await ToolRun.RunAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=48x30", "-frames:v", "1", "-pix_fmt", "rgb24",
            "-pred", "mixed", path], CancellationToken.None);

        var decoded = PngDecoder.Decode(await File.ReadAllBytesAsync(path));

        Assert.Equal((48, 30), (decoded.Width, decoded.Height));
        Assert.Equal(await FfmpegRgbAsync(path, 48 * 30 * 3), decoded.Pixels);
    }

    [Fact]
    public void A_damaged_chunk_is_refused_by_its_checksum()
    {
        var png = PngEncoder.Encode(Noisy(8, 8));
        png[^20] ^= 0x40; // inside IDAT

        var refusal = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png));
        Assert.Contains("CRC", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anything_but_8_bit_RGB_is_refused_with_a_reason()
    {
        var path = Path.Combine(_temp.FullName, "gray.png");
        await ToolRun.RunAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=16x16", "-frames:v", "1", "-pix_fmt", "gray", path],
            CancellationToken.None);

        var refusal = Assert.Throws<NotSupportedException>(() => PngDecoder.Decode(File.ReadAllBytes(path)));
        Assert.Contains("8-bit RGB", refusal.Message, StringComparison.Ordinal);
    }

    // Smooth gradients with noise on top, so every filter has something to predict and something to miss.
    private static RgbImage Noisy(int width, int height)
    {
        var random = new Random(7);
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            var (x, y) = (i / 3 % width, i / 3 / width);
            pixels[i] = (byte)((x * 7) + (y * 5) + (i % 3 * 60) + random.Next(-20, 21));
        }

        return new RgbImage(width, height, pixels);
    }

    private static async Task<byte[]> FfmpegRgbAsync(string path, int length)
    {
        var raw = path + ".rgb";
        await ToolRun.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", raw], CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(raw);
        Assert.Equal(length, bytes.Length);
        return bytes;
    }
}
