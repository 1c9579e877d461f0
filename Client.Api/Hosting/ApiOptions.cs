namespace Vsr.Api.Hosting;

/// <summary>Bound from <c>Vsr:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Vsr:Api";

    /// <summary>Largest accepted upload, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 4L << 30;

    /// <summary>Where uploads are checked before they are stored; each upload's file is removed at once.</summary>
    public string ScratchDirectory { get; set; } = ".vsr/api";
}
