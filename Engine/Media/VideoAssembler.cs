namespace Vsr.Engine.Media;

/// <summary>Joins encoded chunks in order and remuxes the source's audio and subtitle streams.</summary>
public static class VideoAssembler
{
    /// <summary>
    /// Writes <paramref name="outputPath"/> (its extension picks the container) from the chunks plus every audio and
    /// subtitle stream of <paramref name="sourcePath"/>. The result has exactly the source's frame count.
    /// </summary>
    public static Task AssembleAsync(
        string sourcePath,
        VideoInfo video,
        IReadOnlyList<string> chunkPaths,
        string outputPath,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The container the output should use for this source (<c>.mp4</c>, or <c>.mkv</c> when streams need it).</summary>
    public static string ChooseExtension(VideoInfo video) => throw new NotImplementedException();
}
