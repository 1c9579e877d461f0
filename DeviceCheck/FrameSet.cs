namespace Vsr.DeviceCheck;

/// <summary>The packed RGB24 frames every case runs over, the same on the device and on the CPU.</summary>
public sealed record FrameSet(int Width, int Height, IReadOnlyList<byte[]> Frames, string Source)
{
    /// <summary>
    /// Smooth gradients, hard edges and fixed-seed noise: flat areas show a bias, edges a misplaced tile, noise a
    /// wrong channel order. The same seed gives the same bytes on every machine.
    /// </summary>
    public static FrameSet Synthetic(int width, int height, int count)
    {
        var random = new Random(1234);
        var frames = new byte[count][];
        for (var f = 0; f < count; f++)
        {
            var frame = frames[f] = new byte[width * height * 3];
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var i = ((y * width) + x) * 3;
                    var edge = ((x + (f * 7)) / 24 + (y / 24)) % 2 == 0 ? 40 : 0;
                    frame[i] = (byte)Math.Clamp((x * 200 / width) + edge + random.Next(-12, 13), 0, 255);
                    frame[i + 1] = (byte)Math.Clamp((y * 200 / height) + edge + random.Next(-12, 13), 0, 255);
                    frame[i + 2] = (byte)Math.Clamp(128 + (int)(80 * Math.Sin((x + y + (f * 5)) / 9.0)) + random.Next(-12, 13), 0, 255);
                }
            }
        }

        return new FrameSet(width, height, frames, $"synthetic {width}x{height}, {count} frames (gradients, squares, seeded noise)");
    }

    /// <summary>Reads a raw RGB24 file (e.g. <c>ffmpeg -f rawvideo -pix_fmt rgb24</c>) of whole frames.</summary>
    /// <exception cref="InvalidDataException">The file is empty or not a whole number of frames.</exception>
    public static FrameSet Load(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        var size = width * height * 3;
        if (bytes.Length == 0 || bytes.Length % size != 0)
        {
            throw new InvalidDataException($"{path} has {bytes.Length} bytes, not a whole number of {width}x{height} RGB24 frames ({size} bytes each)");
        }

        var frames = bytes.Chunk(size).ToArray();
        return new FrameSet(width, height, frames, $"{Path.GetFileName(path)}, {width}x{height}, {frames.Length} frames");
    }
}
