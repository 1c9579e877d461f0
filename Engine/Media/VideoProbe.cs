namespace Vsr.Engine.Media;

/// <summary>Reads stream layout, exact frame count and keyframe positions of a video.</summary>
public static class VideoProbe
{
    /// <summary>Throws <see cref="InvalidVideoException"/> when the file has no decodable video stream.</summary>
    public static Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken) => throw new NotImplementedException();
}
