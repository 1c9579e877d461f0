using System.ComponentModel.DataAnnotations;

namespace Vsr.Grains.Hosting;

/// <summary>How jobs are cut up and scheduled. Bound from <c>Vsr:Jobs</c>.</summary>
public sealed class JobOptions
{
    public const string Section = "Vsr:Jobs";

    /// <summary>Target chunk length; chunks start on keyframes, so real lengths vary.</summary>
    [Range(0.1, 3600)]
    public double ChunkSeconds { get; set; } = 10;

    /// <summary>Attempts per chunk, across devices, before the job fails.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Wait before a failed chunk runs again, doubled after each of its failures: a store or a silo that fails for a
    /// moment must not use up every attempt of the chunks in flight within a second.
    /// </summary>
    public TimeSpan ChunkRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Chunks one job keeps in flight on one device.</summary>
    [Range(1, 16)]
    public int ChunksInFlightPerDevice { get; set; } = 1;

    /// <summary>libx264 constant rate factor of an H.264 output that names none.</summary>
    [Range(0, 51)]
    public int Crf { get; set; } = 18;

    /// <summary>libx265 constant rate factor of an HEVC output that names none.</summary>
    [Range(0, 51)]
    public int HevcCrf { get; set; } = 22;

    /// <summary>SVT-AV1 constant rate factor of an AV1 output that names none.</summary>
    [Range(1, 63)]
    public int Av1Crf { get; set; } = 24;

    /// <summary>libx264's and libx265's preset.</summary>
    [Required]
    public string Preset { get; set; } = "veryfast";

    /// <summary>SVT-AV1's preset, 0 (slowest) to 13.</summary>
    [Range(0, 13)]
    public int Av1Preset { get; set; } = 10;

    /// <summary>The constant rate factor an output of <paramref name="codec"/> gets when its job names none.</summary>
    public int DefaultCrf(Vsr.Engine.Media.OutputCodec codec) => codec switch
    {
        Vsr.Engine.Media.OutputCodec.Hevc => HevcCrf,
        Vsr.Engine.Media.OutputCodec.Av1 => Av1Crf,
        _ => Crf,
    };

    /// <summary>How long a job waits for any inference device to appear before it fails.</summary>
    public TimeSpan NoDeviceTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Period of the reminder an unfinished job holds. After a whole-cluster restart the reminder reactivates the job,
    /// which resumes from its ledger; this is the longest it waits for that.
    /// </summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// With <c>content: auto</c>, the flat share (see <see cref="Vsr.Engine.Content.ContentClassifier"/>) from which a video
    /// is treated as animation. The default rests on the measurements in docs/quality.md.
    /// </summary>
    [Range(0.0, 1.0)]
    public double AnimationFlatThreshold { get; set; } = Vsr.Engine.Content.ContentClassifier.DefaultAnimationThreshold;

    /// <summary>Frames sampled over the whole video to detect its content.</summary>
    [Range(1, 50)]
    public int ContentSampleFrames { get; set; } = 6;

    /// <summary>Frames sampled over the whole video for a job's <c>qualityReport</c>.</summary>
    [Range(1, 50)]
    public int QualitySampleFrames { get; set; } = 4;

    /// <summary>
    /// Internal errors in a row (object store, database, network: anything but a reason the job itself cannot finish)
    /// a job rides out before it fails. Between them the job keeps its ledger and stored chunks and runs again.
    /// </summary>
    [Range(0, 100)]
    public int InternalRetryLimit { get; set; } = 5;

    /// <summary>Wait before a job runs again after an internal error; doubled after each one, at most <see cref="ResumeCheckPeriod"/>.</summary>
    public TimeSpan InternalRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Upper bound on one chunk's work once its device is held; plus a minute, also the Orleans response timeout of
    /// other grain calls (the chunk call itself has its own, of a day, as it waits for the device).
    /// </summary>
    public TimeSpan ChunkTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a stopping silo lets the chunks its devices run finish before it stops them (they then run again
    /// elsewhere, their attempt not charged). Chunks still waiting for a device are handed back at once. Keep it well
    /// inside the host's shutdown timeout (<c>DOTNET_SHUTDOWNTIMEOUTSECONDS</c>: 30 s by default, 120 s in the Kubernetes
    /// manifests, which drain for 60 s): the drain takes at most half of it.
    /// </summary>
    public TimeSpan DeviceDrainTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
