namespace Vsr.Engine.Media;

internal static class FfmpegOutput
{
    /// <summary>Reads <paramref name="output"/> to its end and returns how many bytes were left in it.</summary>
    public static async Task<long> DrainAsync(Stream output, CancellationToken cancellationToken)
    {
        var buffer = new byte[81_920];
        var total = 0L;
        int read;
        while ((read = await output.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }
}
