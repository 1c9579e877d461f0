using Vsr.Queue;

namespace Vsr.Integration.Tests.Queue;

public static class Jobs
{
    public static SubmitJob New(string fileName = "clip.mp4") =>
        new(Guid.NewGuid(), $"jobs/{Guid.NewGuid():N}/source.mp4", fileName, 2, "realesr-animevideov3",
            new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
}
