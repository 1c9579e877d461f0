using System.Runtime.CompilerServices;

// The media tests drive ffprobe/ffmpeg through the same runner as the engine instead of a second copy of it.
[assembly: InternalsVisibleTo("Engine.Tests")]
