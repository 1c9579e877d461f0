namespace Vsr.Engine.Models;

/// <summary>
/// Writes a file beside its target and renames it into place, so that a reader (or another process) never sees half a
/// file. The data reaches the disk before the rename: otherwise a crash can leave the renamed target empty.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string target, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempPathFor(target);
        try
        {
            File.WriteAllBytes(temp, bytes);
            Commit(temp, target);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Flushes <paramref name="temp"/>, written by this process or a library, to disk and renames it onto <paramref name="target"/>.</summary>
    public static void Commit(string temp, string target)
    {
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, target, overwrite: true);
    }

    /// <summary>A name beside <paramref name="target"/> that no other writer, in this process or another, uses.</summary>
    public static string TempPathFor(string target) => $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
}
