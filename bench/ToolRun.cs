using System.Diagnostics;

namespace Vsr.Bench;

/// <summary>Runs a command-line tool (ffmpeg, the peer upscaler) to its end, arguments passed without a shell.</summary>
public static class ToolRun
{
    /// <summary>How much of a failing tool's output an exception quotes.</summary>
    private const int TailChars = 1500;

    /// <summary>
    /// Returns what the tool printed on stdout and stderr. A non-zero exit throws <see cref="InvalidOperationException"/>
    /// quoting the end of that output; cancellation kills the tool and whatever it started.
    /// </summary>
    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output + await errors;
        return process.ExitCode == 0 ? text
            : throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {Tail(text)}");
    }

    public static string Tail(string text) => text.Length <= TailChars ? text.Trim() : "…" + text[^TailChars..].Trim();
}
