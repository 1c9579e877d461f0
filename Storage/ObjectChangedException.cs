namespace Vsr.Storage;

/// <summary>An object was written again while it was being read or copied, so what was checked is not what is there.</summary>
public sealed class ObjectChangedException(string key) : Exception($"Object '{key}' changed while it was being read; read it again.")
{
    public string Key { get; } = key;
}
