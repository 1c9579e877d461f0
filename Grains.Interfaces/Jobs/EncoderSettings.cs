namespace Vsr.Grains.Jobs;

/// <summary>
/// How a job's chunks are encoded where the request leaves it to the silos: the constant quality (<see cref="Crf"/>,
/// the request's or the silo's default for its codec) and the encoders' speed presets. Settled once per job, so that
/// every chunk is encoded alike whichever silo coordinates the job or runs the chunk.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EncoderSettings(
    [property: Id(0)] int Crf,
    [property: Id(1)] string Preset,
    [property: Id(2)] int Av1Preset);
