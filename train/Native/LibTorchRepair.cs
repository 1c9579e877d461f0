using System.Diagnostics;

namespace Vsr.Train.Native;

/// <summary>
/// Makes TorchSharp 0.107.0's native bridge load on Debian 12. <c>libLibTorchSharp.so</c> asks for
/// <c>GLIBCXX_3.4.32</c> (GCC 13) for a single empty function, <c>_ZSt21ios_base_library_initv</c>; Debian 12's
/// libstdc++ stops at 3.4.30. The repair supplies that function from a one-symbol library, drops the symbol's
/// version and marks the version requirement weak. It runs on the copy in the build output, before the first
/// tensor op, and is idempotent, because every build copies the unrepaired file from the package again.
/// </summary>
public static class LibTorchRepair
{
    public const string Library = "libLibTorchSharp.so";
    private const string Symbol = "_ZSt21ios_base_library_initv";
    private const string Version = "GLIBCXX_3.4.32";
    private const string Shim = "libvsr_iosinit.so";

    /// <summary>The native folder next to the running assembly.</summary>
    public static string NativeDirectory => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    /// <summary>Repairs the bridge in <paramref name="nativeDirectory"/> if needed; returns whether it changed anything.</summary>
    public static bool Apply(string? nativeDirectory = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var directory = nativeDirectory ?? NativeDirectory;
        var bridge = Path.Combine(directory, Library);
        if (!File.Exists(bridge))
        {
            throw new FileNotFoundException($"{Library} is not in {directory}; build the training tool first", bridge);
        }

        if (!ElfVersionNeeds.IsStrictlyNeeded(File.ReadAllBytes(bridge), Version) && File.Exists(Path.Combine(directory, Shim)))
        {
            return false;
        }

        if (SystemLibStdCxxHas(Version))
        {
            return false;
        }

        var source = Path.Combine(directory, "vsr_iosinit.c");
        File.WriteAllText(source, $"void {Symbol}(void) {{}}\n");
        Run("gcc", "-shared", "-fPIC", "-o", Path.Combine(directory, Shim), source);
        File.Delete(source);

        // patchelf may rewrite the file's layout, so the weak flag is set afterwards, on what it wrote.
        Run("patchelf", "--clear-symbol-version", Symbol, bridge);
        // The bridge's runpath already starts with $ORIGIN, so the shim beside it is found.
        Run("patchelf", "--add-needed", Shim, bridge);
        var bytes = File.ReadAllBytes(bridge);
        ElfVersionNeeds.MarkWeak(bytes, Version);
        File.WriteAllBytes(bridge, bytes);
        return true;
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        var path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        return File.Exists(path) && System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path)).Contains(version, StringComparison.Ordinal);
    }

    private static void Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is needed to repair {Library}; run train/setup.sh (installs patchelf)", e);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
            }
        }
    }
}
