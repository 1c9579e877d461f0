namespace Vsr.Grains.Inference;

/// <summary>
/// One chunk to enhance: frames [StartFrame, StartFrame + FrameCount) of the stored source, through the x1
/// <see cref="Restorers"/> first, in order, when there are any, then <see cref="Model"/>, then sharpened by
/// <see cref="Sharpen"/> (0: not at all) as it is encoded with <see cref="Codec"/> (<c>h264</c>, <c>hevc</c> or
/// <c>av1</c>; null is <c>h264</c>) at <see cref="Crf"/> (the silo's default for the codec when null) and <see cref="BitDepth"/> (8 when null),
/// with the job's <see cref="Preset"/> and <see cref="Av1Preset"/> (the running silo's when null).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChunkWork(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] int ChunkIndex,
    [property: Id(2)] string SourceKey,
    [property: Id(3)] int StartFrame,
    [property: Id(4)] int FrameCount,
    [property: Id(5)] string Model,
    [property: Id(6)] int Scale,
    [property: Id(7)] string OutputKey,
    [property: Id(9)] string[]? Restorers = null,
    [property: Id(10)] double Sharpen = 0,
    [property: Id(11)] string? Codec = null,
    [property: Id(12)] int? Crf = null,
    [property: Id(13)] int? BitDepth = null,
    [property: Id(14)] string? Preset = null,
    [property: Id(15)] int? Av1Preset = null);
