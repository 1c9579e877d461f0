namespace Vsr.Engine;

/// <summary>
/// Keeps the input's colour and takes only the brightness change of an x1 restorer: each output pixel is the input
/// pixel plus the restorer's change in BT.601 luma, added to R, G and B alike (which leaves Cb and Cr as they were).
/// For compression-artefact removal: deblock-x1 gains in luma but, left alone, loses 0.28 dB PSNR-RGB on a good
/// (crf-23) stream through its chroma (docs/deblock-experiments.md).
/// </summary>
public sealed class LumaOnlyFrameEnhancer : IFrameEnhancer
{
    private readonly IFrameEnhancer _restorer;

    public LumaOnlyFrameEnhancer(IFrameEnhancer restorer)
    {
        if (restorer.Scale != 1)
        {
            throw new ArgumentException($"only an x1 restorer can keep its input's colour; this one scales by {restorer.Scale}", nameof(restorer));
        }

        _restorer = restorer;
    }

    public int Scale => 1;

    public int PreferredBatchSize => _restorer.PreferredBatchSize;

    public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
    {
        var restored = _restorer.Enhance(frames, width, height, cancellationToken);
        for (var f = 0; f < frames.Count; f++)
        {
            var (input, output) = (frames[f], restored[f]);
            for (var i = 0; i < input.Length; i += 3)
            {
                var change = Luma(output, i) - Luma(input, i);
                output[i] = Add(input[i], change);
                output[i + 1] = Add(input[i + 1], change);
                output[i + 2] = Add(input[i + 2], change);
            }
        }

        return restored;
    }

    private static float Luma(byte[] pixels, int i) => 0.299f * pixels[i] + 0.587f * pixels[i + 1] + 0.114f * pixels[i + 2];

    private static byte Add(byte value, float change) => (byte)Math.Clamp(MathF.Round(value + change), 0, 255);
}
