using System.Net;
using System.Net.Sockets;
using Vsr.Queue;

namespace Vsr.Grains.Webhooks;

/// <summary>
/// Which callback URLs the service POSTs to: absolute http(s) without credentials, on a host (and port, when the entry
/// names one) of <see cref="WebhookOptions.AllowedHosts"/> when that list is set; and, since the silos make the
/// request, never to a loopback, private, link-local or otherwise internal address unless the host is listed or
/// <see cref="WebhookOptions.AllowPrivateNetworks"/> is on. The API checks the URL when a job is submitted, the silo
/// again before each POST and on the addresses the host resolves to.
/// </summary>
public sealed class CallbackPolicy(WebhookOptions options)
{
    /// <summary>Why <paramref name="text"/> may not be a callback URL; null when it may.</summary>
    public string? Refusal(string text)
    {
        if (!SubmitJob.IsCallbackUrl(text))
        {
            return "'callbackUrl' must be an absolute http or https URL without a user name or password";
        }

        var url = new Uri(text);
        if (options.AllowedHosts is { Count: > 0 } hosts && !IsListed(url))
        {
            return $"'callbackUrl' may name only these hosts ({WebhookOptions.Section}:AllowedHosts): {string.Join(", ", hosts)}";
        }

        // A name is checked when it is resolved, at each POST; an address can be checked now.
        return IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && !MayConnect(url, address)
            ? $"'callbackUrl' names an internal address, which callbacks may not reach unless {WebhookOptions.Section}:AllowedHosts lists it"
            : null;
    }

    /// <summary>Whether the operator listed the URL's host (an entry without a port allows every port).</summary>
    public bool IsListed(Uri url) => options.AllowedHosts.Any(entry =>
        string.Equals(entry, url.Host, StringComparison.OrdinalIgnoreCase)
        || string.Equals(entry, $"{url.Host}:{url.Port}", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a POST to <paramref name="url"/> may connect to <paramref name="address"/>.</summary>
    public bool MayConnect(Uri url, IPAddress address) => options.AllowPrivateNetworks || IsListed(url) || IsPublic(address);

    /// <summary>
    /// False for loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata), carrier-grade NAT, benchmarking,
    /// IETF protocol, unspecified and multicast addresses, and for the IPv6 ranges that carry an IPv4 address (NAT64,
    /// 6to4, Teredo, IPv4-compatible), whose gateways could lead to any IPv4 host.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var embedsIPv4 = (b[0] == 0x00 && b.Take(12).All(x => x == 0))          // ::/96, IPv4-compatible
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)    // 64:ff9b::/96 and 64:ff9b:1::/48, NAT64
                || (b[0] == 0x20 && b[1] == 0x02)                                    // 2002::/16, 6to4
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00);   // 2001::/32, Teredo
            return !(embedsIPv4 || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC);
        }

        return !(b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }
}
