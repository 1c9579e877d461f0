namespace Vsr.Storage;

public sealed class ObjectNotFoundException(string key) : Exception($"Object '{key}' does not exist in the object store.")
{
    public string Key { get; } = key;
}
