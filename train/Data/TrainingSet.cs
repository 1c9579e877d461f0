using System.Globalization;

namespace Vsr.Train.Data;

/// <summary>
/// The high-resolution training photos, decoded once and cached as raw RGB24 under the cache directory.
/// Every file and every decoded image passes the <see cref="HeldOutGuard"/> first.
/// </summary>
public sealed class TrainingSet
{
    private TrainingSet(IReadOnlyList<RgbImage> images, IReadOnlyList<PhotoRecord> records)
    {
        Images = images;
        Records = records;
    }

    public IReadOnlyList<RgbImage> Images { get; }

    public IReadOnlyList<PhotoRecord> Records { get; }

    /// <summary>The Debian photos of <see cref="PhotoSources"/>, fetched with the package client.</summary>
    public static TrainingSet FromPackages(string cacheDirectory, HeldOutGuard guard)
    {
        var images = new List<RgbImage>();
        var records = new List<PhotoRecord>();
        foreach (var group in PhotoSources.All.GroupBy(p => p.Package))
        {
            var package = DebianPackage.Fetch(group.Key, cacheDirectory);
            foreach (var photo in group)
            {
                var file = File.ReadAllBytes(package.PathOf(photo.PathInPackage));
                var encoded = photo.EetEntry is null ? file : EetArchive.ReadEntry(file, photo.EetEntry);
                var source = $"{package.DebFile} {photo.PathInPackage}{(photo.EetEntry is null ? string.Empty : ":" + photo.EetEntry)}";
                var image = Load(cacheDirectory, photo.Name, source, encoded, photo.Halve, guard);
                images.Add(image);
                records.Add(new PhotoRecord(photo.Name, source, photo.License, photo.Credit, HeldOutGuard.FileHash(encoded), image.ContentHash(), image.Width, image.Height));
            }
        }

        return new TrainingSet(images, records);
    }

    /// <summary>Every image file in <paramref name="directory"/> (any format ffmpeg reads), used as is.</summary>
    public static TrainingSet FromDirectory(string directory, string cacheDirectory, HeldOutGuard guard)
    {
        var images = new List<RgbImage>();
        var records = new List<PhotoRecord>();
        foreach (var path in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            var image = Load(cacheDirectory, Path.GetFileNameWithoutExtension(path), path, bytes, halve: false, guard);
            images.Add(image);
            records.Add(new PhotoRecord(Path.GetFileName(path), path, "unknown", "unknown", HeldOutGuard.FileHash(bytes), image.ContentHash(), image.Width, image.Height));
        }

        return images.Count > 0 ? new TrainingSet(images, records) : throw new InvalidDataException($"no images in {directory}");
    }

    private static RgbImage Load(string cacheDirectory, string name, string source, byte[] encoded, bool halve, HeldOutGuard guard)
    {
        guard.CheckFile(source, encoded);
        var hash = HeldOutGuard.FileHash(encoded)[..16];
        var cache = Path.Combine(cacheDirectory, "photos");
        Directory.CreateDirectory(cache);
        var existing = Directory.GetFiles(cache, $"{hash}-{(halve ? "half" : "full")}-*.rgb").FirstOrDefault();
        RgbImage image;
        if (existing is not null)
        {
            var size = Path.GetFileNameWithoutExtension(existing).Split('-')[^1].Split('x');
            image = new RgbImage(int.Parse(size[0], CultureInfo.InvariantCulture), int.Parse(size[1], CultureInfo.InvariantCulture), File.ReadAllBytes(existing));
        }
        else
        {
            // A halved image is not what the hash list holds, so the full decode is checked; cached images were.
            if (halve)
            {
                guard.CheckPixels(source, ImageDecoder.Decode(encoded));
            }

            image = ImageDecoder.Decode(encoded, halve);
            File.WriteAllBytes(Path.Combine(cache, $"{hash}-{(halve ? "half" : "full")}-{image.Width}x{image.Height}.rgb"), image.Pixels);
        }

        guard.CheckPixels(source, image);
        return image;
    }
}
