namespace Vsr.Storage;

/// <summary>The rules every store applies to keys: relative, '/'-separated, no empty, '.' or '..' segments.</summary>
public static class ObjectKey
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid object key.</summary>
    public static string Validate(string key, string parameterName = "key")
    {
        if (string.IsNullOrWhiteSpace(key) || key.StartsWith('/') || key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{key}' is not a valid object key.", parameterName);
        }

        return key;
    }

    /// <summary>The type a plain GET of the object answers with, from its key's extension.</summary>
    public static string ContentType(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".mp4" or ".m4v" => "video/mp4",
        ".mov" => "video/quicktime",
        ".mkv" => "video/x-matroska",
        ".webm" => "video/webm",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
