namespace Vsr.Engine.Models;

/// <summary>Writes a file beside its target and renames it into place, so that a reader (or another process) never sees half a file.</summary>
internal static class AtomicFile
{
    public static void Write(string target, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempPathFor(target);
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>A name beside <paramref name="target"/> that no other writer, in this process or another, uses.</summary>
    public static string TempPathFor(string target) => $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
}
