namespace Vsr.Engine.Tests.Media;

/// <summary>
/// All media tests share one set of clips and run one after another: they spawn ffmpeg processes, and the
/// cancellation test must be able to tell its own processes from everyone else's.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MediaClipsCollection : ICollectionFixture<TestClips>
{
    public const string Name = "Media clips";
}
