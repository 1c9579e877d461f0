namespace Vsr.Engine.Media;

/// <summary>An ffmpeg or ffprobe process failed. The message ends with the tail of what the tool wrote to stderr.</summary>
public sealed class FfmpegException(string message, string stderrTail = "", Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The last lines the tool wrote to stderr, joined with <c> | </c>.</summary>
    public string StderrTail { get; } = stderrTail;
}
