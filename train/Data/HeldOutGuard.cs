namespace Vsr.Train.Data;

/// <summary>
/// Refuses evaluation data by content: the sha256 of a file's bytes, and of its decoded RGB24 pixels, so that a
/// renamed copy, or a frame re-saved as PNG, is still caught.
/// </summary>
public sealed class HeldOutGuard
{
    public const string ListFileName = "heldout-hashes.txt";

    private readonly Dictionary<string, string> _labels;

    public HeldOutGuard(IEnumerable<string> lines)
    {
        _labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', 3);
            _labels.TryAdd(parts[0], parts[2]);
        }
    }

    public int Count => _labels.Count;

    /// <summary>The list shipped next to the tool (copied from <c>train/heldout-hashes.txt</c>).</summary>
    public static HeldOutGuard Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, ListFileName);
        var guard = new HeldOutGuard(File.ReadLines(path));
        return guard.Count > 0 ? guard : throw new InvalidDataException($"{path} holds no hashes; run Vsr.Train heldout-hashes");
    }

    public static string FileHash(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <exception cref="HeldOutDataException">The file is held-out data.</exception>
    public void CheckFile(string name, byte[] bytes) => Refuse(name, FileHash(bytes));

    /// <exception cref="HeldOutDataException">The pixels are a held-out frame or photo.</exception>
    public void CheckPixels(string name, RgbImage image) => Refuse(name, image.ContentHash());

    private void Refuse(string name, string hash)
    {
        if (_labels.TryGetValue(hash, out var label))
        {
            throw new HeldOutDataException($"{name} is held-out evaluation data ({label}, sha256 {hash}); it must never be trained on");
        }
    }
}
