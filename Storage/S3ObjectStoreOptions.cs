using System.ComponentModel.DataAnnotations;

namespace Vsr.Storage;

/// <summary>Where the S3 store keeps its objects: MinIO, AWS S3 or any S3-compatible server.</summary>
public sealed class S3ObjectStoreOptions
{
    public const string Section = "Vsr:S3";

    /// <summary>
    /// <c>host[:port]</c> (e.g. <c>minio.vsr.svc:9000</c>, <c>s3.eu-west-1.amazonaws.com</c>), or a URL such as
    /// <c>http://127.0.0.1:5000</c>, whose scheme then decides <see cref="UseSsl"/>.
    /// </summary>
    [Required]
    public string Endpoint { get; set; } = "";

    /// <summary>
    /// Where the service's clients reach the same server, when that differs from <see cref="Endpoint"/> (an in-cluster
    /// service name): download redirects are signed for it. Same forms as <see cref="Endpoint"/>; empty for the same.
    /// </summary>
    public string PublicEndpoint { get; set; } = "";

    [Required]
    public string AccessKey { get; set; } = "";

    [Required]
    public string SecretKey { get; set; } = "";

    /// <summary>Created on first use if missing.</summary>
    [Required]
    public string Bucket { get; set; } = "vsr";

    /// <summary>
    /// Turn versioning on for the bucket at start-up (where the server supports it), so an overwritten or deleted
    /// object keeps its older versions. Off by default: with it, every deletion of a job's upload and chunks leaves
    /// a noncurrent version that is stored (and billed) until a lifecycle rule expires it.
    /// </summary>
    public bool Versioning { get; set; }

    public bool UseSsl { get; set; } = true;

    /// <summary>Signing region; set it explicitly so the client never has to ask the server for it.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Where uploads of unknown length are spooled before they are sent.</summary>
    public string ScratchDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "vsr-s3");
}
