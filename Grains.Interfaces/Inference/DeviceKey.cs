namespace Vsr.Grains.Inference;

/// <summary>Builds and splits inference grain keys: <c>{silo address}/{device id}</c>.</summary>
public static class DeviceKey
{
    public static string Create(string siloAddress, string deviceId) => $"{siloAddress}/{deviceId}";

    public static (string Silo, string Device) Split(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new FormatException($"'{key}' is not an inference device key '{{silo}}/{{device}}'.");
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
