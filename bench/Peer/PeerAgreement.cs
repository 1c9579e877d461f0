namespace Vsr.Bench.Peer;

/// <summary>
/// How closely the peer's output matches ours, as PSNR over whole pictures and over their interior. Samples the peer
/// wrapped around are left out and counted: on lavapipe its float → integer conversion turns slightly negative
/// outputs into 255 and outputs slightly above 1 into 0, which saturated colours produce often.
/// </summary>
public sealed record PeerAgreement(double Psnr, double InteriorPsnr, double WrappedShare)
{
    /// <param name="pairs">Ours and theirs, RGB24 pictures of <paramref name="width"/> × <paramref name="height"/>.</param>
    /// <param name="margin">Border, in pixels, that the interior figure leaves out.</param>
    public static PeerAgreement Compare(IEnumerable<(byte[] Ours, byte[] Theirs)> pairs, int width, int height, int margin)
    {
        double all = 0, interior = 0;
        long allSamples = 0, interiorSamples = 0, wrapped = 0;
        foreach (var (ours, theirs) in pairs)
        {
            for (var s = 0; s < ours.Length; s++)
            {
                if ((theirs[s] == 255 && ours[s] < 128) || (theirs[s] == 0 && ours[s] >= 128))
                {
                    wrapped++;
                    continue;
                }

                var d = theirs[s] - ours[s];
                all += d * d;
                allSamples++;
                var (x, y) = (s / 3 % width, s / 3 / width);
                if (x >= margin && y >= margin && x < width - margin && y < height - margin)
                {
                    interior += d * d;
                    interiorSamples++;
                }
            }
        }

        return new PeerAgreement(ToPsnr(all, allSamples), ToPsnr(interior, interiorSamples), (double)wrapped / Math.Max(1, wrapped + allSamples));
    }

    private static double ToPsnr(double squaredError, long samples) =>
        samples == 0 ? double.NaN : squaredError == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 * samples / squaredError);
}
