using System.Collections.Concurrent;
using System.Globalization;
using Vsr.Engine.Media;

namespace Vsr.Engine.Simulation;

/// <summary>
/// Chunk files for SIMULATED devices: flat grey frames of the enhanced size, encoded once per chunk shape (size,
/// frame rate, frame count) and copied for every chunk of that shape after. A job of equal chunks costs one small
/// ffmpeg run per silo, so the simulation measures the scheduler rather than the encoder on this machine's cores.
/// Frames are evenly spaced at the source's nominal rate: a simulation does not keep variable timing. The files live in
/// a private temporary directory, made on first use and removed on dispose.
/// </summary>
public sealed class PlaceholderChunks : IDisposable
{
    private readonly Lazy<string> _directory = new(() => Directory.CreateTempSubdirectory("vsr-simulated-chunks-").FullName);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _files = new();

    /// <summary>
    /// The path of a video-only chunk of <paramref name="frameCount"/> grey frames at <paramref name="width"/> ×
    /// <paramref name="height"/> and the source's frame rate, encoded like a real chunk (libx264, yuv420p, MP4).
    /// Callers copy it and never modify it.
    /// </summary>
    public async Task<string> GetAsync(VideoInfo video, int width, int height, int frameCount, CancellationToken cancellationToken)
    {
        var rate = string.Create(CultureInfo.InvariantCulture, $"{video.FrameRateNumerator}/{video.FrameRateDenominator}");
        var name = string.Create(CultureInfo.InvariantCulture, $"{width}x{height}-{video.FrameRateNumerator}_{video.FrameRateDenominator}-{frameCount}{ChunkTranscoder.ChunkExtension}");
        var entry = _files.GetOrAdd(name, _ => new Lazy<Task<string>>(() => EncodeAsync(name, width, height, rate, frameCount)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _files.TryRemove(name, out _);
            throw;
        }
    }

    public void Dispose()
    {
        if (_directory.IsValueCreated && Directory.Exists(_directory.Value))
        {
            Directory.Delete(_directory.Value, recursive: true);
        }
    }

    // Shared by every chunk of the shape, so one chunk's cancellation must not stop it.
    private async Task<string> EncodeAsync(string name, int width, int height, string rate, int frameCount)
    {
        var path = Path.Combine(_directory.Value, name);
        var partial = path + ".partial" + ChunkTranscoder.ChunkExtension;
        string[] arguments =
        [
            "-hide_banner", "-nostats", "-v", "error", "-nostdin",
            "-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"color=c=gray:size={width}x{height}:rate={rate}"),
            "-frames:v", frameCount.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an", "-y", partial,
        ];
        await FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffmpeg, arguments, CancellationToken.None);
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
