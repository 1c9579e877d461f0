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
        return options.AllowedHosts is { Count: > 0 } hosts && !IsListed(url)
            ? $"'callbackUrl' may name only these hosts ({WebhookOptions.Section}:AllowedHosts): {string.Join(", ", hosts)}"
            : null;
    }

    /// <summary>Whether the operator listed the URL's host (an entry without a port allows every port).</summary>
    public bool IsListed(Uri url) => options.AllowedHosts.Any(entry =>
        string.Equals(entry, url.Host, StringComparison.OrdinalIgnoreCase)
        || string.Equals(entry, $"{url.Host}:{url.Port}", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a POST to <paramref name="url"/> may connect to <paramref name="address"/>.</summary>
    public bool MayConnect(Uri url, IPAddress address) => options.AllowPrivateNetworks || IsListed(url) || IsPublic(address);

    /// <summary>False for loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata), carrier-grade NAT, unspecified and multicast addresses.</summary>
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

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (first & 0xFE) == 0xFC);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }
}
