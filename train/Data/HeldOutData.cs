namespace Vsr.Train.Data;

/// <summary>
/// The evaluation data, which training must never see: the real clips of opencv-doc and xine-ui, and
/// python3-skimage's classic photos. Their hashes (files and decoded frames) are kept in
/// <c>train/heldout-hashes.txt</c>, written by <c>Vsr.Train heldout-hashes</c>.
/// </summary>
public static class HeldOutData
{
    public static IReadOnlyList<(string Package, string PathInPackage)> Videos { get; } =
    [
        ("opencv-doc", "usr/share/doc/opencv-doc/examples/data/vtest.avi"),
        ("opencv-doc", "usr/share/doc/opencv-doc/examples/data/tree.avi"),
        ("xine-ui", "usr/share/xine/visuals/default.mpv"),
    ];

    public static IReadOnlyList<(string Package, string PathInPackage)> Photos { get; } =
        new[] { "astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "camera.png", "brick.png", "grass.png", "gravel.png", "page.png", "text.png" }
            .Select(file => ("python3-skimage", $"usr/lib/python3/dist-packages/skimage/data/{file}"))
            .ToArray();

    /// <summary>Writes the hash list: each held-out file, and each of its decoded frames as RGB24.</summary>
    public static IEnumerable<string> ComputeHashLines(string cacheDirectory)
    {
        foreach (var (package, path, isVideo) in Videos.Select(v => (v.Package, v.PathInPackage, true)).Concat(Photos.Select(p => (p.Package, p.PathInPackage, false))))
        {
            var file = DebianPackage.Fetch(package, cacheDirectory).PathOf(path);
            var label = $"{package}:{Path.GetFileName(path)}";
            yield return $"{HeldOutGuard.FileHash(File.ReadAllBytes(file))} file {label}";
            var frames = isVideo ? ImageDecoder.DecodeFrames(file) : [ImageDecoder.Decode(File.ReadAllBytes(file))];
            var index = 0;
            foreach (var frame in frames)
            {
                yield return $"{frame.ContentHash()} rgb {label}#{index++}";
            }
        }
    }
}
