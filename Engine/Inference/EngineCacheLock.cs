using Microsoft.Extensions.Logging;

namespace Vsr.Engine.Inference;

/// <summary>
/// An exclusive advisory lock on one TensorRT engine cache directory, held while a TensorRT session is created over it
/// and while the session runs an input shape it has not run before: for a model with dynamic input dimensions and no
/// explicit profile shapes, ONNX Runtime's TensorRT provider builds the engine at the first run of a shape (and again,
/// rewriting the cache, for a shape outside the profile it cached), not when the session is created. ONNX Runtime names
/// its engine files per model and GPU model, not per device, so two devices (or two silos sharing the cache volume)
/// that build the same engine at once would write the same files side by side, and one could load the other's
/// half-written engine. Under the lock the first builder builds and the others then load its engines.
/// The lock is a file in the directory opened with <see cref="FileShare.None"/>, which .NET on Linux takes with
/// <c>flock</c>: it excludes other threads and other processes alike (<c>flock(1)</c> sees it too), and the kernel
/// releases it when its holder dies. It is best effort: .NET opens the file without a lock, and without a word, where
/// file locking is switched off (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>) or where <c>flock</c> fails with anything
/// but <c>EWOULDBLOCK</c> (a filesystem without locks: <c>EOPNOTSUPP</c>, or <c>ENOLCK</c> on an NFS mount whose lock
/// service does not answer); an NFS mount with <c>nolock</c> or <c>local_lock=flock</c> excludes only the processes of
/// one host. There the lock is "held" and excludes nothing, and engines may be built side by side as without it.
/// </summary>
public sealed class EngineCacheLock : IDisposable
{
    /// <summary>The lock file's name in the engine cache directory.</summary>
    public const string FileName = "engine-build.lock";

    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly FileStream? _file;

    private EngineCacheLock(FileStream? file) => _file = file;

    /// <summary>
    /// Whether the lock file was opened exclusively; false where the directory could not be created or the file opened.
    /// True does not prove the filesystem locked it (see the class summary).
    /// </summary>
    public bool IsHeld => _file is not null;

    /// <summary>
    /// Creates <paramref name="directory"/> and takes its lock, waiting for as long as another builder holds it or until
    /// <paramref name="cancellationToken"/> ends the wait.
    /// A directory that cannot be created, or whose lock file cannot be opened (read-only volume, no permission), gives a
    /// lock that is not held, with a warning: the session is then built as it would be without the lock, not failed.
    /// </summary>
    /// <param name="holder">Who waits, for the log: the device.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the wait.</exception>
    public static EngineCacheLock Acquire(string directory, string holder, ILogger logger, CancellationToken cancellationToken = default) =>
        Acquire(directory, holder, logger, DefaultRetryDelay, cancellationToken);

    /// <inheritdoc cref="Acquire(string, string, ILogger, CancellationToken)"/>
    /// <param name="retryDelay">How long to wait between attempts while another builder holds the lock.</param>
    public static EngineCacheLock Acquire(string directory, string holder, ILogger logger, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        var waiting = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                Directory.CreateDirectory(directory);
                return new EngineCacheLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                if (!waiting)
                {
                    waiting = true;
                    logger.LogInformation("{Device}: another builder holds the TensorRT engine cache {Path}, waiting for its engines", holder, directory);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("{Device}: the TensorRT engine cache {Path} cannot be created or locked, building without the lock (engines may be rebuilt): {Reason}",
                    holder, directory, e.Message);
                return new EngineCacheLock(null);
            }

            cancellationToken.WaitHandle.WaitOne(retryDelay);
        }
    }

    public void Dispose() => _file?.Dispose();

    // .NET reports a lock held elsewhere with the errno of flock's EWOULDBLOCK (11 on Linux, 35 on macOS), on Windows
    // as a sharing or lock violation; any other IOException is a directory or file that cannot be opened (every other
    // flock failure .NET ignores, opening the file unlocked: see the summary).
    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}
