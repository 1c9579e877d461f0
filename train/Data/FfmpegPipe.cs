using System.Diagnostics;

namespace Vsr.Train.Data;

/// <summary>Runs ffmpeg (or ffprobe) with bytes on stdin and returns stdout, failing loudly with stderr's tail.</summary>
public static class FfmpegPipe
{
    public static byte[] Run(IEnumerable<string> arguments, byte[]? input = null, string tool = "ffmpeg")
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-hide_banner", "-loglevel", "error" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        // stdin, stdout and stderr are drained together, or a large frame would fill a pipe and stall both sides.
        var writer = Task.Run(() =>
        {
            try
            {
                if (input is not null)
                {
                    process.StandardInput.BaseStream.Write(input);
                }
            }
            catch (IOException)
            {
                // ffmpeg closed its input early; its exit code and stderr say why.
            }
            finally
            {
                process.StandardInput.Close();
            }
        });
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        writer.Wait();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', info.ArgumentList)} failed ({process.ExitCode}): {error.Result[^Math.Min(error.Result.Length, 600)..]}");
        }

        return output.ToArray();
    }
}
