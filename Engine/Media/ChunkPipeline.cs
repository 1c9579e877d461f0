using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Vsr.Engine.Media;

/// <summary>
/// The three overlapped stages of one chunk: read raw frames from the decoder, enhance them in batches, write them to
/// the encoder. Bounded queues between the stages keep at most a few batches in memory whatever the chunk length.
/// The first stage to fail stops the others; its exception, not the cancellations it caused, is what surfaces.
/// </summary>
internal sealed class ChunkPipeline(
    FfmpegProcess decoder,
    FfmpegProcess encoder,
    IFrameEnhancer enhancer,
    VideoInfo video,
    ChunkSpan chunk,
    IProgress<int>? framesDone)
{
    private readonly int inputFrameBytes = video.Width * video.Height * 3;
    private readonly int outputFrameBytes = video.Width * enhancer.Scale * video.Height * enhancer.Scale * 3;
    private readonly Channel<byte[]> decoded = Bounded(2 * enhancer.PreferredBatchSize);
    private readonly Channel<byte[]> enhanced = Bounded(enhancer.PreferredBatchSize);
    private Exception? firstFailure;
    private int framesWritten;

    /// <summary>Runs all stages to the end and returns the number of frames the encoder accepted.</summary>
    /// <param name="stop">Cancelled by the caller's token or by the first failing stage; it also kills both processes.</param>
    /// <param name="cancellationToken">The caller's token: when it is cancelled the result is an <see cref="OperationCanceledException"/>.</param>
    public async Task<int> RunAsync(CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            RunStageAsync(ReadFramesAsync, stop),
            RunStageAsync(EnhanceFramesAsync, stop),
            RunStageAsync(WriteFramesAsync, stop));

        cancellationToken.ThrowIfCancellationRequested();
        if (firstFailure is not null)
        {
            ExceptionDispatchInfo.Throw(firstFailure);
        }

        return framesWritten;
    }

    private Task RunStageAsync(Func<CancellationToken, Task> stage, CancellationTokenSource stop) => Task.Run(async () =>
    {
        try
        {
            await stage(stop.Token);
        }
        catch (Exception e)
        {
            // Once stop is cancelled, the other stages fail only because their process was killed or their queue
            // was abandoned; those errors are consequences, not causes.
            if (!stop.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref firstFailure, e, null);
            }

            await stop.CancelAsync();
        }
    });

    private async Task ReadFramesAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        while (count < chunk.FrameCount)
        {
            var frame = new byte[inputFrameBytes];
            var read = await decoder.Output.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false, cancellationToken);
            if (read < frame.Length)
            {
                if (read > 0)
                {
                    throw new InvalidDataException($"The decoder stopped in the middle of frame {chunk.StartFrame + count}. ffmpeg: {decoder.StderrTail}");
                }

                break;
            }

            await decoded.Writer.WriteAsync(frame, cancellationToken);
            count++;
        }

        // Output past the last frame (frames larger than probed) is read away so that ffmpeg can exit, then refused.
        var extra = await FfmpegOutput.DrainAsync(decoder.Output, cancellationToken);
        await decoder.WaitForSuccessAsync(cancellationToken);
        if (extra > 0)
        {
            throw new InvalidDataException(
                $"Chunk {chunk.Index} decoded {extra:N0} bytes more than {chunk.FrameCount} frames of {video.Width}x{video.Height}. ffmpeg: {decoder.StderrTail}");
        }

        if (count != chunk.FrameCount)
        {
            throw new InvalidDataException(
                $"Chunk {chunk.Index} decoded {count} frames from frame {chunk.StartFrame}, expected {chunk.FrameCount}. ffmpeg: {decoder.StderrTail}");
        }

        decoded.Writer.Complete();
    }

    private async Task EnhanceFramesAsync(CancellationToken cancellationToken)
    {
        var batch = new List<byte[]>(enhancer.PreferredBatchSize);
        await foreach (var frame in decoded.Reader.ReadAllAsync(cancellationToken))
        {
            batch.Add(frame);
            if (batch.Count == enhancer.PreferredBatchSize)
            {
                await EnhanceBatchAsync(batch, cancellationToken);
                batch = new List<byte[]>(enhancer.PreferredBatchSize);
            }
        }

        if (batch.Count > 0)
        {
            await EnhanceBatchAsync(batch, cancellationToken);
        }

        enhanced.Writer.Complete();
    }

    private async Task EnhanceBatchAsync(List<byte[]> batch, CancellationToken cancellationToken)
    {
        // The model call is synchronous (GPU bound); it runs on this stage's own pool thread while the other stages keep going.
        var outputs = enhancer.Enhance(batch, video.Width, video.Height, cancellationToken);
        if (outputs.Length != batch.Count || outputs.Any(o => o is null || o.Length != outputFrameBytes))
        {
            throw new InvalidOperationException(
                $"The enhancer returned {outputs.Length} frames for {batch.Count}, or a frame that is not {outputFrameBytes} bytes.");
        }

        foreach (var output in outputs)
        {
            await enhanced.Writer.WriteAsync(output, cancellationToken);
        }
    }

    private async Task WriteFramesAsync(CancellationToken cancellationToken)
    {
        var timing = ChunkTiming.For(video, chunk);
        var container = new RawVideoMatroskaWriter(encoder.Input, video.Width * enhancer.Scale, video.Height * enhancer.Scale);
        try
        {
            await container.WriteHeaderAsync(cancellationToken);
            await foreach (var frame in enhanced.Reader.ReadAllAsync(cancellationToken))
            {
                await container.WriteFrameAsync(frame, timing.StartMicros(framesWritten), timing.DurationMicros(framesWritten), cancellationToken);
                framesWritten++;
                framesDone?.Report(framesWritten);
            }

            await encoder.Input.FlushAsync(cancellationToken);
            encoder.Input.Close();
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // A broken pipe means the encoder quit; its exit code and stderr say why, so prefer them.
            await encoder.WaitForSuccessAsync(cancellationToken);
            throw;
        }

        await encoder.WaitForSuccessAsync(cancellationToken);
    }

    private static Channel<byte[]> Bounded(int capacity) =>
        Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
}
