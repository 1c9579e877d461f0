using System.Text;
using Orleans.Serialization;
using Orleans.Storage;

namespace Vsr.Grains.State;

/// <summary>
/// Grain state as one file per grain under a directory, with an ETag check. For single-machine clusters that must
/// survive a silo's death (the embedded mode's tests and demos); production uses the ADO.NET provider.
/// </summary>
public sealed class FileGrainStorage(string directory, Serializer serializer) : IGrainStorage
{
    private readonly string _root = Directory.CreateDirectory(Path.GetFullPath(directory)).FullName;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var (etag, payload) = Decode(await File.ReadAllBytesAsync(path));
        grainState.State = serializer.Deserialize<T>(payload);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        await _gate.WaitAsync();
        try
        {
            var stored = File.Exists(path) ? Decode(await File.ReadAllBytesAsync(path)).ETag : null;
            if (stored != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {grainId}: stored {stored ?? "none"}, given {grainState.ETag ?? "none"}.", stored, grainState.ETag);
            }

            var etag = Guid.NewGuid().ToString("N");
            var partial = path + ".partial";
            await File.WriteAllBytesAsync(partial, Encode(etag, serializer.SerializeToArray(grainState.State)));
            File.Move(partial, path, overwrite: true);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        File.Delete(PathOf(stateName, grainId));
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>The grains that have a <paramref name="stateName"/> state stored here.</summary>
    public IEnumerable<GrainId> GrainsWithState(string stateName)
    {
        var prefix = stateName + "|";
        foreach (var path in Directory.EnumerateFiles(_root))
        {
            var name = Path.GetFileName(path);
            // Over-long names were cut and cannot be read back; job grains' names are far below the cut.
            if (name.Length > 200 || name.Length % 2 != 0 || !name.All(char.IsAsciiHexDigit))
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(Convert.FromHexString(name));
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return GrainId.Parse(text[prefix.Length..]);
            }
        }
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        var name = Convert.ToHexString(Encoding.UTF8.GetBytes($"{stateName}|{grainId}"));
        return Path.Combine(_root, name.Length > 200 ? name[..200] + grainId.GetUniformHashCode() : name);
    }

    private static byte[] Encode(string etag, byte[] payload)
    {
        var tag = Encoding.ASCII.GetBytes(etag);
        var bytes = new byte[1 + tag.Length + payload.Length];
        bytes[0] = (byte)tag.Length;
        tag.CopyTo(bytes, 1);
        payload.CopyTo(bytes, 1 + tag.Length);
        return bytes;
    }

    private static (string ETag, byte[] Payload) Decode(byte[] bytes)
    {
        var length = bytes[0];
        return (Encoding.ASCII.GetString(bytes, 1, length), bytes[(1 + length)..]);
    }
}
