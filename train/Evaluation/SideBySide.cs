using Vsr.Train.Data;

namespace Vsr.Train.Evaluation;

/// <summary>A row of same-region crops, original first, so that the methods can be compared by eye.</summary>
public static class SideBySide
{
    private const int Gap = 4;

    public static RgbImage Compose(IReadOnlyList<RgbImage> images, int cropWidth, int cropHeight)
    {
        var first = images[0];
        var (cw, ch) = (Math.Min(cropWidth, first.Width), Math.Min(cropHeight, first.Height));
        var (x0, y0) = ((first.Width - cw) / 2, (first.Height - ch) / 2);
        var width = images.Count * cw + (images.Count - 1) * Gap;
        var pixels = new byte[width * ch * 3];
        Array.Fill(pixels, (byte)255);
        for (var i = 0; i < images.Count; i++)
        {
            for (var y = 0; y < ch; y++)
            {
                Array.Copy(images[i].Pixels, ((y0 + y) * images[i].Width + x0) * 3, pixels, (y * width + i * (cw + Gap)) * 3, cw * 3);
            }
        }

        return new RgbImage(width, ch, pixels);
    }
}
