using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Vsr.Api.Jobs;

/// <summary>
/// A job submission's multipart/form-data body, read as it streams in: the video (the first file part named
/// <c>file</c>) goes straight to one scratch file, every other file part is read through and dropped, and text fields
/// are held in memory only up to <see cref="FieldLimit"/> bytes each. ASP.NET's own form reader spools each file to its
/// temp directory first (so an upload sat on disk twice), and reads a text part of any size into memory: a video
/// posted as a text field (<c>curl -F 'file=&lt;clip.mp4'</c>) took gigabytes of memory before it was refused.
/// </summary>
public sealed class UploadForm : IAsyncDisposable
{
    /// <summary>The most a text field may hold; the longest legitimate one, a callback URL, has at most 2,048 characters.</summary>
    public const int FieldLimit = 16 * 1024;

    private const int MaxFields = 64;

    private UploadForm(IFormCollection fields, UploadedFile? file)
    {
        Fields = fields;
        File = file;
    }

    /// <summary>The text fields.</summary>
    public IFormCollection Fields { get; }

    /// <summary>The video, written to scratch; null when the form has no file part named <c>file</c>.</summary>
    public UploadedFile? File { get; }

    public ValueTask DisposeAsync()
    {
        if (File is not null)
        {
            System.IO.File.Delete(File.Path);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Deletes what an earlier process left in <paramref name="scratchDirectory"/> (killed mid-upload, out of memory, after
    /// its shutdown timeout) and was last written more than <paramref name="age"/> ago: an upload in flight is written to
    /// all along, and another process's may share the directory. Returns how many files went.
    /// </summary>
    public static int SweepLeftovers(string scratchDirectory, TimeSpan age)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(scratchDirectory));
        if (!directory.Exists)
        {
            return 0;
        }

        var swept = 0;
        foreach (var file in directory.EnumerateFiles().Where(f => f.LastWriteTimeUtc < DateTime.UtcNow - age))
        {
            try
            {
                file.Delete();
                swept++;
            }
            catch (IOException)
            {
                // Gone meanwhile, or still held: the next start tries again.
            }
        }

        return swept;
    }

    /// <summary>Reads the form; the video goes to a new file in <paramref name="scratchDirectory"/>, deleted on dispose.</summary>
    /// <exception cref="UploadFormException">The body is not a well-formed form this endpoint takes (400), or too large (413).</exception>
    /// <exception cref="ScratchFullException">The scratch file could not be written (the service's disk, not the client).</exception>
    public static async Task<UploadForm> ReadAsync(HttpRequest http, string scratchDirectory, long maxUploadBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(http.ContentType, out var type)
            || HeaderUtilities.RemoveQuotes(type.Boundary) is not { Length: > 0 and <= 128 } boundary)
        {
            throw new UploadFormException(StatusCodes.Status400BadRequest, "Malformed multipart/form-data", "The Content-Type names no usable multipart boundary.");
        }

        var reader = new MultipartReader(boundary.ToString(), http.Body) { BodyLengthLimit = maxUploadBytes };
        var fields = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        UploadedFile? file = null;
        try
        {
            var count = 0;
            while (await ReadSectionAsync(reader, cancellationToken) is { } section)
            {
                if (++count > MaxFields)
                {
                    throw new UploadFormException(StatusCodes.Status400BadRequest, "Malformed multipart/form-data", $"The form has more than {MaxFields} parts.");
                }

                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                {
                    throw new UploadFormException(StatusCodes.Status400BadRequest, "Malformed multipart/form-data",
                        $"A part has no usable Content-Disposition ('{section.ContentDisposition}').");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                if (disposition.IsFileDisposition())
                {
                    if (file is null && string.Equals(name, "file", StringComparison.OrdinalIgnoreCase))
                    {
                        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).ToString();
                        file = await SaveAsync(section.Body, fileName, scratchDirectory, maxUploadBytes, cancellationToken);
                    }
                    else
                    {
                        // Another file: not the video this endpoint reads, and not worth a place on disk.
                        await DrainAsync(section.Body, maxUploadBytes, cancellationToken);
                    }

                    continue;
                }

                var value = await ReadFieldAsync(section.Body, name, maxUploadBytes, cancellationToken);
                fields[name] = StringValues.Concat(fields.GetValueOrDefault(name), value);
            }
        }
        catch
        {
            if (file is not null)
            {
                System.IO.File.Delete(file.Path);
            }

            throw;
        }

        return new UploadForm(new FormCollection(fields), file);
    }

    private static async Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (InvalidDataException bad)
        {
            throw Refusal(bad, reader.BodyLengthLimit);
        }
    }

    /// <summary>
    /// The answer to the multipart reader's refusal: 413 only for a part over the upload limit itself; its other limits
    /// (a header line, the headers, a preamble) are a malformed form.
    /// </summary>
    private static UploadFormException Refusal(InvalidDataException bad, long? uploadLimit) =>
        uploadLimit is { } limit && bad.Message.Contains($"length limit {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} exceeded", StringComparison.Ordinal)
            ? new UploadFormException(StatusCodes.Status413PayloadTooLarge, "Upload too large", bad.Message)
            : new UploadFormException(StatusCodes.Status400BadRequest, "Malformed multipart/form-data", bad.Message);

    private static async Task<UploadedFile> SaveAsync(Stream body, string fileName, string scratchDirectory, long uploadLimit, CancellationToken cancellationToken)
    {
        var extension = JobEndpoints.SafeExtension(fileName);
        string path;
        FileStream target;
        try
        {
            var directory = Directory.CreateDirectory(Path.GetFullPath(scratchDirectory)).FullName;
            // Named per request: two requests with one Idempotency-Key share the job id but not their scratch files.
            path = Path.Combine(directory, $"{Guid.NewGuid():N}{extension}");
            target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScratchFullException(e);
        }

        long length = 0;
        try
        {
            await using (target)
            {
                var buffer = new byte[1 << 16];
                while (await ReadBodyAsync(body, buffer, uploadLimit, cancellationToken) is var read and > 0)
                {
                    await Scratch(() => target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).AsTask());
                    length += read;
                }

                await Scratch(() => target.FlushAsync(cancellationToken));
            }
        }
        catch
        {
            System.IO.File.Delete(path);
            throw;
        }

        return new UploadedFile(path, fileName, extension, length);
    }

    /// <summary>A write to the scratch file: its failures are the service's disk, not the client's upload.</summary>
    private static async Task Scratch(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (IOException full)
        {
            throw new ScratchFullException(full);
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, long uploadLimit, CancellationToken cancellationToken)
    {
        var buffer = new byte[FieldLimit + 1];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await ReadBodyAsync(body, buffer.AsMemory(filled), uploadLimit, cancellationToken);
            if (read == 0)
            {
                return System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
            }

            filled += read;
        }

        throw new UploadFormException(StatusCodes.Status400BadRequest, "Form field too large",
            $"The field '{name}' holds more than {FieldLimit} bytes. Send the video as a file part (curl -F 'file=@clip.mp4'), not as a text field.");
    }

    private static async Task DrainAsync(Stream body, long uploadLimit, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (await ReadBodyAsync(body, buffer, uploadLimit, cancellationToken) > 0)
        {
        }
    }

    /// <summary>A read of the request body; its failures are the client's (a cut upload) or the form's (too large).</summary>
    private static async Task<int> ReadBodyAsync(Stream body, Memory<byte> buffer, long uploadLimit, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken);
        }
        catch (InvalidDataException bad)
        {
            throw Refusal(bad, uploadLimit);
        }
    }
}

/// <summary>The video of a submission, in its scratch file.</summary>
public sealed record UploadedFile(string Path, string FileName, string Extension, long Length);

/// <summary>A form this endpoint cannot take, with the status and words of its answer.</summary>
public sealed class UploadFormException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;
}

/// <summary>The scratch disk refused a write: the service is short of space, the client did nothing wrong.</summary>
public sealed class ScratchFullException(Exception inner) : Exception($"The service could not store the upload: {inner.Message}", inner);
