using System.Diagnostics;

namespace Vsr.Train.Data;

/// <summary>
/// A Debian package fetched with the package client (<c>apt-get download</c>) and unpacked with <c>dpkg-deb -x</c>
/// into the cache; nothing is installed. The .deb's sha256 is kept for the model cards.
/// </summary>
public sealed record DebianPackage(string Name, string DebFile, string DebSha256, string Root)
{
    public static DebianPackage Fetch(string name, string cacheDirectory)
    {
        var debs = Path.Combine(cacheDirectory, "debs");
        Directory.CreateDirectory(debs);
        var deb = Directory.GetFiles(debs, $"{name}_*.deb").SingleOrDefault();
        if (deb is null)
        {
            Console.Error.WriteLine($"fetching {name} (apt-get download)");
            Run("apt-get", debs, "download", name);
            deb = Directory.GetFiles(debs, $"{name}_*.deb").Single();
        }

        var root = Path.Combine(cacheDirectory, "extract", name);
        var done = Path.Combine(root, ".extracted");
        if (!File.Exists(done))
        {
            Directory.CreateDirectory(root);
            Run("dpkg-deb", debs, "-x", deb, root);
            File.WriteAllText(done, Path.GetFileName(deb));
        }

        using var stream = File.OpenRead(deb);
        return new DebianPackage(name, Path.GetFileName(deb), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)), root);
    }

    public string PathOf(string pathInPackage) => Path.Combine(Root, pathInPackage.TrimStart('/'));

    private static void Run(string tool, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed: {error}");
        }
    }
}
