using Orleans.Runtime.MembershipService.SiloMetadata;
using Vsr.Grains.Inference;

namespace Vsr.Grains.Jobs;

/// <summary>
/// Lists the inference devices of every active silo, from the devices each silo advertises in its metadata.
/// Keys are rebuilt from the current membership each time, so a restarted silo's new generation is picked up.
/// </summary>
public sealed class DeviceDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    /// <summary>Silo metadata key holding a comma-separated list of device ids.</summary>
    public const string MetadataKey = "vsr.devices";

    public IReadOnlyList<string> ActiveDeviceKeys()
    {
        var keys = new List<string>();
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status != SiloStatus.Active)
            {
                continue;
            }

            if (metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(MetadataKey, out var devices))
            {
                var silo = member.SiloAddress.ToParsableString();
                keys.AddRange(devices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(device => DeviceKey.Create(silo, device)));
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
