using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>Resizes one packed RGB24 frame with one of swscale's kernels (<c>bicubic</c>, <c>lanczos</c>, <c>area</c>), through ffmpeg.</summary>
public static class RawFrameResize
{
    public static async Task<byte[]> ResizeAsync(byte[] frame, int width, int height, int toWidth, int toHeight, string kernel,
        CancellationToken cancellationToken)
    {
        if (frame.Length != width * height * 3)
        {
            throw new ArgumentException($"A {width}x{height} RGB24 frame has {width * height * 3} bytes, not {frame.Length}.", nameof(frame));
        }

        string[] arguments =
        [
            "-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-i", "-",
            "-vf", string.Create(CultureInfo.InvariantCulture, $"scale={toWidth}:{toHeight}:flags={kernel}"),
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ];
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, cancellationToken);
        // Written and read together: a frame larger than a pipe's buffer would otherwise stall both sides.
        var writing = WriteAndCloseAsync(ffmpeg.Input, frame, cancellationToken);
        var resized = new byte[toWidth * toHeight * 3];
        int read;
        try
        {
            read = await ReadFullyAsync(ffmpeg.Output, resized, cancellationToken);
        }
        catch
        {
            // A writer blocked on a full pipe waits for ffmpeg to read, which waits for its output to be read: end both.
            ffmpeg.Kill();
            throw;
        }
        finally
        {
            // The writer ends on its own once ffmpeg is gone (killed on cancel, or exited): observe it either way.
            await writing.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await ffmpeg.WaitForSuccessAsync(cancellationToken);
        return read == resized.Length
            ? resized
            : throw new FfmpegException($"ffmpeg gave {read} bytes for a {toWidth}x{toHeight} frame, not {resized.Length}: {ffmpeg.StderrTail}", ffmpeg.StderrTail);
    }

    private static async Task WriteAndCloseAsync(Stream input, byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            await input.WriteAsync(frame, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // ffmpeg closed its input early (or was stopped); its exit code and stderr say why.
        }
        finally
        {
            input.Close();
        }
    }

    private static async Task<int> ReadFullyAsync(Stream output, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await output.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
