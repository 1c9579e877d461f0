using System.Diagnostics;

namespace Vsr.Engine.Media;

/// <summary>
/// One running ffmpeg or ffprobe process. Arguments go through <see cref="ProcessStartInfo.ArgumentList"/>, never a shell.
/// The last lines of stderr are kept so failures can say what the tool said; the process (and anything it started)
/// is killed when the token is cancelled or the object is disposed before it exits.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    public const string Ffmpeg = "ffmpeg";
    public const string Ffprobe = "ffprobe";

    /// <summary>Enough lines to show the cause of a failure without flooding an exception message.</summary>
    private const int StderrTailLines = 12;

    private readonly Process process;
    private readonly string tool;
    private readonly Queue<string> stderrTail = new();
    private readonly CancellationTokenRegistration killOnCancel;

    private FfmpegProcess(Process process, string tool, CancellationToken cancellationToken)
    {
        this.process = process;
        this.tool = tool;
        process.ErrorDataReceived += (_, e) => RememberStderr(e.Data);
        process.BeginErrorReadLine();
        killOnCancel = cancellationToken.Register(Kill);
    }

    public int Id => process.Id;

    /// <summary>The process's stdin; ffmpeg reads it when an input is <c>-</c>.</summary>
    public Stream Input => process.StandardInput.BaseStream;

    /// <summary>The process's stdout; only valid when started with <c>readsOutput</c>.</summary>
    public Stream Output => process.StandardOutput.BaseStream;

    public string StderrTail
    {
        get
        {
            lock (stderrTail)
            {
                return string.Join(" | ", stderrTail);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="tool"/>. Stdin is always a pipe so the tool can never read the host's console;
    /// stdout is a pipe only when the caller will read it, otherwise a full pipe could stall the tool.
    /// </summary>
    public static FfmpegProcess Start(string tool, IEnumerable<string> arguments, bool readsOutput, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = readsOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new FfmpegException($"{tool} could not be started; is it installed and on PATH? {e.Message}", inner: e);
        }

        return new FfmpegProcess(process, tool, cancellationToken);
    }

    /// <summary>Runs <paramref name="tool"/> to completion and returns its stdout.</summary>
    public static async Task<string> CaptureOutputAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        await using var run = Start(tool, arguments, readsOutput: true, cancellationToken);
        run.Input.Close();
        using var reader = new StreamReader(run.Output);
        var output = await reader.ReadToEndAsync(cancellationToken);
        await run.WaitForSuccessAsync(cancellationToken);
        return output;
    }

    /// <summary>Waits for the exit; a non-zero exit becomes an <see cref="FfmpegException"/> with the stderr tail.</summary>
    public async Task WaitForSuccessAsync(CancellationToken cancellationToken)
    {
        // WaitForExitAsync also waits for the stderr reader to drain, so the tail is complete afterwards.
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var tail = StderrTail;
            throw new FfmpegException($"{tool} exited with code {process.ExitCode}: {tail}", tail);
        }
    }

    /// <summary>Kills the process tree; a process that already exited is left alone.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited or never started: nothing to kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await killOnCancel.DisposeAsync();
        Kill();
        // Reap the child so no zombie or half-written file outlives this object.
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }

    private void RememberStderr(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (stderrTail)
        {
            stderrTail.Enqueue(line.Trim());
            if (stderrTail.Count > StderrTailLines)
            {
                stderrTail.Dequeue();
            }
        }
    }
}
